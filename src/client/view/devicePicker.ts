/**
 * Choosing the camera, microphone and speaker during the call. Cameras and microphones go to
 * the machine (`user.chooseDevice`, sent with `replaceTrack`, no renegotiation); the speaker is
 * where the page plays the others (`setSinkId`, where the browser has it).
 */
import type { UserEvent } from '../machine/events.js';
import { element } from './element.js';

const canChooseSpeaker = () => typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

export function createDevicePicker(root: Document, mediaDevices: MediaDevices | undefined, onSpeaker: (deviceId: string) => void) {
  const dialog = element(root, 'devices-dialog', HTMLDialogElement);
  const open = element(root, 'devices', HTMLButtonElement);
  const camera = element(root, 'choose-camera', HTMLSelectElement);
  const microphone = element(root, 'choose-microphone', HTMLSelectElement);
  const speaker = element(root, 'choose-speaker', HTMLSelectElement);
  element(root, 'speaker-field', HTMLElement).hidden = !canChooseSpeaker();
  /** What the person chose, so the lists keep showing it. */
  const current: Record<'audioinput' | 'videoinput' | 'audiooutput', string> = { audioinput: '', videoinput: '', audiooutput: '' };

  const fill = (select: HTMLSelectElement, devices: MediaDeviceInfo[], kind: MediaDeviceKind, inUse: string) => {
    const options = devices
      .filter((device) => device.kind === kind)
      .map((device, index) => {
        const option = document.createElement('option');
        option.value = device.deviceId;
        option.textContent = device.label || `${kind === 'videoinput' ? 'Camera' : kind === 'audioinput' ? 'Microphone' : 'Speaker'} ${index + 1}`;
        return option;
      });
    select.replaceChildren(...options);
    if (inUse && options.some((option) => option.value === inUse)) select.value = inUse;
  };

  /** The device of the track in use, so the list opens on it. */
  const inUse = (stream: MediaStream | null, kind: 'audio' | 'video') => {
    const track = kind === 'audio' ? stream?.getAudioTracks()[0] : stream?.getVideoTracks()[0];
    return track?.getSettings().deviceId ?? '';
  };

  return {
    onChoose(send: (event: UserEvent) => void, local: () => MediaStream | null) {
      open.addEventListener('click', async () => {
        const devices = (await mediaDevices?.enumerateDevices().catch(() => [])) ?? [];
        fill(camera, devices, 'videoinput', current.videoinput || inUse(local(), 'video'));
        fill(microphone, devices, 'audioinput', current.audioinput || inUse(local(), 'audio'));
        fill(speaker, devices, 'audiooutput', current.audiooutput);
        dialog.showModal();
      });
      camera.addEventListener('change', () => {
        current.videoinput = camera.value;
        send({ type: 'user.chooseDevice', kind: 'videoinput', deviceId: camera.value });
      });
      microphone.addEventListener('change', () => {
        current.audioinput = microphone.value;
        send({ type: 'user.chooseDevice', kind: 'audioinput', deviceId: microphone.value });
      });
      speaker.addEventListener('change', () => {
        current.audiooutput = speaker.value;
        onSpeaker(speaker.value);
      });
    },
  };
}
