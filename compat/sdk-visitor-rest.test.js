// The official widget's transport, @rocket.chat/sdk@1.0.0-alpha.42 (its Livechat client),
// driving every visitor REST call against a running server (SERVER_URL).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { Livechat } = require('@rocket.chat/sdk');

const host = process.env.SERVER_URL;
assert.ok(host, 'SERVER_URL must name the server under test');

function client() {
  const lc = new Livechat({ host, protocol: 'ddp' });
  lc.credentials.token = `sdk-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  return lc;
}

async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('the call should have been refused');
}

test('a visitor chats through the whole REST surface the widget uses', async () => {
  const lc = client();
  const token = lc.credentials.token;

  const config = await lc.config({ token });
  assert.equal(config.enabled, true);
  assert.equal(typeof config.online, 'boolean');
  assert.deepEqual(config.survey.values, ['1', '2', '3', '4', '5']);

  const visitor = await lc.grantVisitor({ visitor: { token, name: 'SDK Visitor', email: 'SDK@Example.com' } });
  assert.equal(visitor.token, token);
  assert.match(visitor.username, /^guest-\d+$/);
  assert.equal(visitor.visitorEmails[0].address, 'sdk@example.com');
  assert.equal((await lc.visitor()).visitor._id, visitor._id);

  const room = await lc.room();
  assert.equal(room.t, 'l');
  assert.equal(room.open, true);
  assert.equal(room.v.token, token);
  assert.equal((await lc.room())._id, room._id, "the open room is returned again");

  const page = await lc.sendVisitorNavigation({
    token,
    rid: room._id,
    pageInfo: { change: 'url', title: 'Pricing', location: { href: 'https://shop.example/pricing' } },
  });
  assert.equal(page.page.msg, 'Pricing - https://shop.example/pricing');

  const sent = await lc.sendMessage({ msg: 'hello from the sdk', rid: room._id });
  assert.equal(sent.message.msg, 'hello from the sdk');
  assert.equal(sent.message.token, token);

  const fetched = await lc.message(sent.message._id, { rid: room._id });
  assert.equal(fetched._id, sent.message._id);

  const edited = await lc.editMessage(sent.message._id, { token, rid: room._id, msg: 'edited by the sdk' });
  assert.equal(edited.message.msg, 'edited by the sdk');
  assert.ok(edited.message.editedAt);

  const second = await lc.sendMessage({ msg: 'to be deleted', rid: room._id });
  const deleted = await lc.deleteMessage(second.message._id, { rid: room._id });
  assert.equal(deleted.message._id, second.message._id);

  const history = await lc.loadMessages(room._id, { limit: 20 });
  const texts = history.map((m) => m.msg);
  assert.ok(texts.includes('edited by the sdk'));
  assert.ok(!texts.includes('to be deleted'));
  assert.ok(!texts.includes('Pricing - https://shop.example/pricing'), 'navigation is hidden');

  const field = await lc.sendCustomField({ token, key: 'address', value: 'Main street 1', overwrite: true });
  assert.equal(field.field.value, 'Main street 1');
  const fields = await lc.sendCustomFields({ token, customFields: [{ key: 'address', value: 'Elm street 2', overwrite: true }] });
  assert.equal(fields.fields[0].Key, 'address');
  assert.equal((await lc.visitor()).visitor.livechatData.address, 'Elm street 2');

  assert.equal(await lc.updateVisitorStatus('away'), 'away');

  const noAgent = await rejection(lc.agent({ rid: room._id }));
  assert.equal(noAgent.status, 400);
  assert.equal(noAgent.data.error, 'invalid-agent');
  assert.equal(await lc.nextAgent(), undefined, 'an open room answers without an agent');

  const closed = await lc.closeChat({ rid: room._id });
  assert.equal(closed.comment, 'Closed by visitor');
  const survey = await lc.chatSurvey({ rid: room._id, data: [{ name: 'satisfaction', value: '5' }, { name: 'agentResposiveness', value: '4' }] });
  assert.deepEqual(survey.data, { satisfaction: '5', agentResposiveness: '4' });

  const again = await rejection(lc.sendMessage({ msg: 'too late', rid: room._id }));
  assert.equal(again.data.error, 'room-closed');

  const removed = await lc.deleteVisitor();
  assert.equal(removed._id, visitor._id);
  const gone = await rejection(lc.visitor());
  assert.equal(gone.data.error, '[invalid-token]');
});

test('the offline form reaches the server', async () => {
  const lc = client();
  const answer = await lc.sendOfflineMessage({ name: 'Off Line', email: 'off@line.io', message: 'please call me', host: 'http://127.0.0.1' });
  assert.equal(answer, 'Livechat offline message sent');
});

test('errors carry the Rocket.Chat error text the widget shows', async () => {
  const lc = client();
  const error = await rejection(lc.room());
  assert.equal(error.status, 400);
  assert.equal(error.data.success, false);
  assert.equal(error.data.error, 'invalid-token');
});
