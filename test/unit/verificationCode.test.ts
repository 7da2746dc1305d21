import { describe, expect, it } from 'vitest';
import { fingerprintsOf, verificationCode } from '../../src/client/verification/verificationCode.js';

const ALICE_FP = 'sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3A:6E:9C:44:BF:18:7A:2B:91:6D:3E:11';
const BOB_FP = 'sha-256 0C:1E:77:5A:2D:90:33:8B:41:F6:0E:C2:9A:57:6B:D3:28:4F:E1:7A:0B:93:C6:5D:12:8E:F4:A0:37:2B:69:C5';
const MALLORY_FP = 'sha-256 0C:1E:77:5A:2D:90:33:8B:41:F6:0E:C2:9A:57:6B:D3:28:4F:E1:7A:0B:93:C6:5D:12:8E:F4:A0:37:2B:69:C6';

/** A description shaped like Chromium's: the fingerprint once per media section. */
const description = (fingerprint: string) =>
  [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1 2',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    `a=fingerprint:${fingerprint}`,
    'a=setup:actpass',
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    `a=fingerprint:${fingerprint}`,
    'a=setup:actpass',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    `a=fingerprint:${fingerprint}`,
    '',
  ].join('\r\n');

describe('fingerprintsOf', () => {
  it('reads each certificate fingerprint once, in one spelling', () => {
    expect(fingerprintsOf(description(ALICE_FP))).toEqual([ALICE_FP]);
    expect(fingerprintsOf(description(ALICE_FP.replace('sha-256', 'SHA-256').toLowerCase()))).toEqual([ALICE_FP]);
  });

  it('finds none in a description without one, and ignores lines that only look like one', () => {
    expect(fingerprintsOf('v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n')).toEqual([]);
    expect(fingerprintsOf('v=0\r\na=fingerprint:sha-256 not-hex\r\nx=a=fingerprint:sha-256 AB:CD\r\n')).toEqual([]);
  });
});

describe('verificationCode', () => {
  it('is the same on both sides of a connection: 8 digits in two groups', async () => {
    const onAlicesPage = await verificationCode(description(ALICE_FP), description(BOB_FP));
    const onBobsPage = await verificationCode(description(BOB_FP), description(ALICE_FP));
    expect(onAlicesPage).toMatch(/^\d{4} \d{4}$/);
    expect(onBobsPage).toBe(onAlicesPage);
  });

  it('differs when someone in the middle replaced a fingerprint, even by one digit', async () => {
    // Mallory answers Alice with her own certificate; Bob still sees Alice's real one.
    const onAlicesPage = await verificationCode(description(ALICE_FP), description(MALLORY_FP));
    const onBobsPage = await verificationCode(description(BOB_FP), description(ALICE_FP));
    expect(onAlicesPage).not.toBe(onBobsPage);
  });

  it('is different for another connection', async () => {
    const first = await verificationCode(description(ALICE_FP), description(BOB_FP));
    const other = await verificationCode(description(ALICE_FP), description(MALLORY_FP));
    expect(first).not.toBe(other);
  });

  it('waits for both fingerprints', async () => {
    expect(await verificationCode(description(ALICE_FP), 'v=0\r\n')).toBeNull();
    expect(await verificationCode('', description(BOB_FP))).toBeNull();
  });
});
