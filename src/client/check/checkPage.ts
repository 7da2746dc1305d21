/**
 * The connection test page (`/?check`): runs each check in turn when the person presses the
 * button and shows a check, a cross or a dash for each, with a sentence that says what to do.
 * The checks themselves are in their own modules; this only shows them.
 */
import { signalingUrl } from '../effects/signalingUrl.js';
import { stopTracks } from '../effects/mediaStage.js';
import { element } from '../view/element.js';
import { skip, type CheckResult } from './checkResult.js';
import { describeNetwork } from './describeNetwork.js';
import { gatherCandidates } from './gatherCandidates.js';
import { startLevelMeter } from './levelMeter.js';
import { checkMedia } from './mediaCheck.js';
import { checkRelay } from './relayCheck.js';
import { checkSignaling } from './signalingCheck.js';

const ROWS = {
  camera: 'Camera',
  microphone: 'Microphone',
  server: 'Call server',
  host: 'Network address (host)',
  srflx: 'Public address (STUN)',
  relay: 'Relay address (TURN)',
  relayData: 'Relay carries data',
} as const;
type Row = keyof typeof ROWS;

const SIGNS = { ok: '✓', fail: '✗', skip: '–', running: '…' } as const;

export function startCheckPage(root: Document): void {
  root.body.classList.add('checking');
  element(root, 'check-page', HTMLElement).hidden = false;
  const list = element(root, 'check-list', HTMLElement);
  const summary = element(root, 'check-summary', HTMLElement);
  const run = element(root, 'check-run', HTMLButtonElement);
  const preview = element(root, 'check-preview', HTMLVideoElement);
  const level = element(root, 'check-level', HTMLMeterElement);

  const rows = new Map<Row, HTMLElement>();
  for (const [row, label] of Object.entries(ROWS) as [Row, string][]) {
    const item = root.createElement('li');
    item.dataset.check = row;
    for (const part of ['sign', 'label', 'detail']) item.append(Object.assign(root.createElement('span'), { className: part }));
    item.querySelector('.label')!.textContent = label;
    list.append(item);
    rows.set(row, item);
  }
  const show = (row: Row, result: CheckResult | { status: 'running'; text: string }) => {
    const item = rows.get(row)!;
    item.dataset.result = result.status;
    item.querySelector('.sign')!.textContent = SIGNS[result.status];
    item.querySelector('.detail')!.textContent = result.text;
  };
  const results = new Map<Row, CheckResult>();
  const report = (row: Row, result: CheckResult) => {
    results.set(row, result);
    show(row, result);
  };

  let stopMedia = () => {};
  const test = async () => {
    run.disabled = true;
    stopMedia();
    results.clear();
    root.body.dataset.check = 'running';
    summary.textContent = 'Testing…';
    for (const row of rows.keys()) show(row, { status: 'running', text: 'Testing…' });

    const media = await checkMedia(navigator.mediaDevices);
    report('camera', media.camera);
    report('microphone', media.microphone);
    if (media.stream) {
      const stream = media.stream;
      preview.srcObject = stream;
      preview.hidden = false;
      void preview.play().catch(() => {});
      const stopMeter = startLevelMeter(stream, (value) => (level.value = value));
      stopMedia = () => {
        stopMeter();
        stopTracks(stream);
        preview.srcObject = null;
        preview.hidden = true;
      };
    }

    const server = await checkSignaling(signalingUrl(root.location));
    report('server', server.result);
    if (server.iceServers) {
      const network = describeNetwork(server.iceServers, await gatherCandidates(server.iceServers));
      report('host', network.host);
      report('srflx', network.srflx);
      report('relay', network.relay);
      report('relayData', network.relay.status === 'ok' ? await checkRelay(server.iceServers) : skip('Not tested: there is no relay address.'));
    } else {
      for (const row of ['host', 'srflx', 'relay', 'relayData'] as const) report(row, skip('Not tested: the call server could not be reached.'));
    }

    const failed = [...results.values()].filter((result) => result.status === 'fail').length;
    summary.textContent =
      failed === 0 ? 'Everything works: you are ready for a call.' : `${failed} of ${rows.size} checks failed: see what to do beside each cross.`;
    root.body.dataset.check = 'done';
    run.textContent = 'Test again';
    run.disabled = false;
  };
  run.addEventListener('click', () => {
    test().catch((error: unknown) => {
      summary.textContent = `The test stopped unexpectedly (${String(error)}). Press Test again.`;
      root.body.dataset.check = 'done';
      run.disabled = false;
    });
  });
  root.defaultView?.addEventListener('pagehide', () => stopMedia());
}
