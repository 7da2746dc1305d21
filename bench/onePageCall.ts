/**
 * The yardstick of the call-setup benchmarks: two peer connections inside one page (no server,
 * no signaling), from getUserMedia to the first decoded remote frame: the floor any call on this
 * machine can reach. `base` is any page of the app's origin (its /healthz will do).
 */
import type { Browser } from '@playwright/test';
import { KEEP_NAMES_SHIM } from './timedCall.js';

/** Two peer connections in one page, fake camera, candidates handed over directly. */
export async function onePageCall(browser: Browser, base: string): Promise<number> {
  const context = await browser.newContext();
  await context.addInitScript(KEEP_NAMES_SHIM);
  const page = await context.newPage();
  await page.goto(`${base}/healthz`);
  const ms = await page.evaluate(async () => {
    const now = () => performance.timeOrigin + performance.now();
    const t0 = now();
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: { ideal: 1280 }, height: { ideal: 720 } } });
    const a = new RTCPeerConnection();
    const b = new RTCPeerConnection();
    a.onicecandidate = ({ candidate }) => void b.addIceCandidate(candidate ?? undefined);
    b.onicecandidate = ({ candidate }) => void a.addIceCandidate(candidate ?? undefined);
    const video = document.createElement('video');
    video.muted = true;
    const firstFrame = new Promise<number>((resolve) => {
      video.addEventListener('resize', () => video.videoWidth > 0 && resolve(now()));
    });
    b.ontrack = ({ streams }) => {
      video.srcObject = streams[0] ?? null;
      void video.play();
    };
    for (const track of stream.getTracks()) a.addTrack(track, stream);
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    const done = await firstFrame;
    a.close();
    b.close();
    for (const track of stream.getTracks()) track.stop();
    return done - t0;
  });
  await context.close();
  return ms;
}
