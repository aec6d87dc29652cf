// Meteor-style random ids (17 characters), as Rocket.Chat's clients give new messages, so a
// message sent twice (a retry after a dropped connection) is stored once.

const ALPHABET = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz";

export function newMessageId() {
  const bytes = crypto.getRandomValues(new Uint8Array(17));
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join("");
}
