import { expect } from '@open-wc/testing';
import { ACTIVE_RESPONSE_ERROR, ResponseSequencer } from '../../src/client/responses.js';

type P = { conversation?: string; instructions?: string };

function setup() {
  const sent: { id: string; params: P | undefined }[] = [];
  let n = 0;
  const seq = new ResponseSequencer<P>((params) => {
    const id = `evt_${++n}`;
    sent.push({ id, params });
    return id;
  });
  return { seq, sent };
}

describe('ResponseSequencer', () => {
  it('sends at once when idle, and holds a second request until response.done', () => {
    const { seq, sent } = setup();
    seq.request({ instructions: 'a' });
    seq.request({ instructions: 'b' });
    expect(sent.map((s) => s.params?.instructions)).to.deep.equal(['a']);
    seq.created({ id: 'resp_1', conversation_id: 'conv_1' });
    expect(seq.activeResponseId).to.equal('resp_1');
    expect(sent).to.have.length(1);
    seq.done({ id: 'resp_1', conversation_id: 'conv_1' });
    expect(sent.map((s) => s.params?.instructions)).to.deep.equal(['a', 'b']);
  });

  it('waits behind a response the server created on its own (VAD)', () => {
    const { seq, sent } = setup();
    seq.created({ id: 'resp_vad' });
    seq.request();
    expect(sent).to.have.length(0);
    seq.done({ id: 'resp_vad' });
    expect(sent).to.have.length(1);
  });

  it('retries a request that lost the race to a VAD response, and swallows that error', () => {
    const { seq, sent } = setup();
    seq.request({ instructions: 'mine' }); // sent while the server was already creating one
    seq.created({ id: 'resp_vad' });
    expect(seq.error(ACTIVE_RESPONSE_ERROR, sent[0]!.id), 'handled').to.equal(true);
    expect(seq.pending).to.equal(1);
    expect(sent).to.have.length(1);
    seq.done({ id: 'resp_vad' });
    expect(sent.map((s) => s.params?.instructions)).to.deep.equal(['mine', 'mine']);
  });

  it('matches an error with a null event_id to the latest request, and ignores errors it did not cause', () => {
    const { seq, sent } = setup();
    expect(seq.error(ACTIVE_RESPONSE_ERROR, 'evt_other')).to.equal(false);
    expect(seq.error('invalid_value', null)).to.equal(false);
    seq.request();
    expect(seq.error(ACTIVE_RESPONSE_ERROR, null)).to.equal(true);
    expect(seq.busy, 'the server says a response is active').to.equal(true);
    seq.done({ id: 'resp_x' });
    expect(sent).to.have.length(2);
    // Once answered, a null-id collision is someone else's: retrying would answer twice, or wait forever when idle.
    seq.created({ id: 'resp_y' });
    seq.done({ id: 'resp_y' });
    expect(seq.error(ACTIVE_RESPONSE_ERROR, null)).to.equal(false);
    expect(seq.busy).to.equal(false);
  });

  it('coalesces plain requests that wait, keeps requests with parameters apart', () => {
    const { seq, sent } = setup();
    seq.created({ id: 'r0' });
    seq.request();
    seq.request();
    seq.request({ instructions: 'x' });
    seq.request();
    seq.done({ id: 'r0' });
    seq.created({ id: 'r1' });
    seq.done({ id: 'r1' });
    seq.created({ id: 'r2' });
    seq.done({ id: 'r2' });
    seq.created({ id: 'r3' });
    seq.done({ id: 'r3' });
    expect(sent.map((s) => s.params?.instructions ?? '-')).to.deep.equal(['-', 'x', '-']);
  });

  it('sends out-of-band requests at once and ignores their lifecycle', () => {
    const { seq, sent } = setup();
    seq.created({ id: 'r_main' });
    seq.request({ conversation: 'none' });
    expect(sent).to.have.length(1);
    seq.created({ id: 'r_oob', conversation_id: null });
    seq.done({ id: 'r_oob', conversation_id: null });
    expect(seq.activeResponseId).to.equal('r_main');
  });

  it('cancel names the active response, drops waiting requests, and says when nothing runs', () => {
    const { seq, sent } = setup();
    expect(seq.cancel()).to.equal(null);
    seq.request();
    expect(seq.cancel(), 'ours is on its way: cancel the default response').to.deep.equal({});
    seq.created({ id: 'resp_1' });
    seq.request();
    expect(seq.cancel()).to.deep.equal({ responseId: 'resp_1' });
    seq.done({ id: 'resp_1' });
    expect(sent, 'the waiting request was dropped by cancel').to.have.length(1);
  });

  it('reset (new session) forgets the active response and sends what waited', () => {
    const { seq, sent } = setup();
    seq.created({ id: 'resp_1' });
    seq.request();
    seq.reset();
    expect(sent).to.have.length(1);
    expect(seq.busy).to.equal(true);
  });
});
