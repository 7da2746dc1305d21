import { describe, expect, it } from 'vitest';
import { describeNetwork, type Gathered } from '../../src/client/check/describeNetwork.js';

const gathered = (types: string[], errors: Gathered['errors'] = []): Gathered => ({ types: new Set(types), errors });
const TURN = [{ urls: ['turn:turn.example.org:3478?transport=udp'], username: 'u', credential: 'c' }];

describe('what the connection test says about the network', () => {
  it('ticks every kind of candidate the network gave', () => {
    const result = describeNetwork(TURN, gathered(['host', 'srflx', 'relay']));
    expect([result.host.status, result.srflx.status, result.relay.status]).toEqual(['ok', 'ok', 'ok']);
  });

  it('says the operator must add a TURN server when none is configured', () => {
    const result = describeNetwork([], gathered(['host']));
    expect(result.host.status).toBe('ok');
    expect(result.relay).toEqual({ status: 'fail', text: expect.stringMatching(/^No TURN server is configured.*Ask whoever runs/) });
    expect(result.srflx).toEqual({ status: 'fail', text: expect.stringMatching(/No STUN server is configured.*ICE_SERVERS/) });
  });

  it('names a TURN server that refused the credentials', () => {
    const result = describeNetwork(TURN, gathered(['host'], [{ url: 'turn:turn.example.org:3478?transport=udp', code: 401, text: 'Unauthorized' }]));
    expect(result.relay.status).toBe('fail');
    expect(result.relay.text).toContain('turn:turn.example.org:3478?transport=udp refused the credentials (401 Unauthorized)');
    expect(result.relay.text).toContain('shared secret');
  });

  it('suggests another network when the TURN server cannot be reached', () => {
    const result = describeNetwork(TURN, gathered(['host'], [{ url: 'turn:turn.example.org:3478?transport=udp', code: 701, text: 'timeout' }]));
    expect(result.relay.text).toMatch(/at turn:turn\.example\.org.* gave no relay address \(701 timeout\)\. This network may block it: try another network/);
  });

  it('says UDP may be blocked when a STUN server is configured but gave no public address', () => {
    const result = describeNetwork([{ urls: 'stun:stun.example.org:3478' }], gathered(['host']));
    expect(result.srflx.text).toMatch(/UDP may be blocked/);
  });

  it('says the browser gave no address at all when there is no host candidate', () => {
    expect(describeNetwork(TURN, gathered([])).host).toEqual({ status: 'fail', text: expect.stringMatching(/no local network address/) });
  });
});
