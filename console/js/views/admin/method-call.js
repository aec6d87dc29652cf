// DDP methods over REST (`POST method.call/<name>`), as Rocket.Chat's admin screens call
// `livechat:saveCustomField` and friends: the method frame travels as EJSON text in `message`,
// and the answer's `message` is the result frame, whose `error` is the method's own failure.

import * as api from "../../api.js";

let nextCall = 1;

/** Calls method `name` with `params`; resolves with its result or rejects with its reason. */
export async function methodCall(name, ...params) {
  const frame = { msg: "method", id: String(nextCall++), method: name, params };
  const answer = await api.post(`method.call/${encodeURIComponent(name)}`, { message: JSON.stringify(frame) });
  const result = JSON.parse(answer.message);
  if (result.error) {
    const error = new Error(result.error.reason || result.error.message || String(result.error.error));
    error.code = result.error.error;
    throw error;
  }
  return result.result;
}
