/**
 * Choosing the camera, microphone and speaker during the call. Cameras and microphones go to
 * the machine (`user.chooseDevice`, sent with `replaceTrack`, no renegotiation); the speaker is
 * where the page plays the others (`setSinkId`, where the browser has it). A speaker that cannot
 * be used (unplugged after the list was read) is said in a sentence under the list, which then
 * shows again the speaker the others are still heard on.
 */
import type { UserEvent } from '../machine/events.js';
import { element } from './element.js';

const canChooseSpeaker = () => typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

/** Why the browser would not play on a speaker, as the end of a sentence naming it. */
function speakerProblem(error: unknown): string {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  if (name === 'NotFoundError') return 'is not there any more (unplugged?)';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'may not be used by this page';
  return `could not be used (${error instanceof Error ? error.message : String(error)})`;
}

export function createDevicePicker(root: Document, mediaDevices: MediaDevices | undefined, onSpeaker: (deviceId: string) => Promise<void>) {
  const dialog = element(root, 'devices-dialog', HTMLDialogElement);
  const open = element(root, 'devices', HTMLButtonElement);
  const camera = element(root, 'choose-camera', HTMLSelectElement);
  const microphone = element(root, 'choose-microphone', HTMLSelectElement);
  const speaker = element(root, 'choose-speaker', HTMLSelectElement);
  const speakerNote = element(root, 'speaker-note', HTMLElement);
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

  const listDevices = async () => (await mediaDevices?.enumerateDevices().catch(() => [])) ?? [];
  const sayAboutSpeaker = (text: string) => {
    speakerNote.textContent = text;
    speakerNote.hidden = text === '';
  };

  return {
    onChoose(send: (event: UserEvent) => void, local: () => MediaStream | null) {
      open.addEventListener('click', async () => {
        const devices = await listDevices();
        fill(camera, devices, 'videoinput', current.videoinput || inUse(local(), 'video'));
        fill(microphone, devices, 'audioinput', current.audioinput || inUse(local(), 'audio'));
        fill(speaker, devices, 'audiooutput', current.audiooutput);
        sayAboutSpeaker('');
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
        const chosen = speaker.value;
        const name = speaker.selectedOptions[0]?.textContent ?? 'That speaker';
        sayAboutSpeaker('');
        onSpeaker(chosen).then(
          () => {
            current.audiooutput = chosen;
          },
          async (error: unknown) => {
            // The list is read again (the speaker that failed may be gone) and shows where the others still are.
            fill(speaker, await listDevices(), 'audiooutput', current.audiooutput);
            const still = speaker.selectedOptions[0]?.textContent ?? 'the default speaker';
            sayAboutSpeaker(`${name} ${speakerProblem(error)}. You still hear the others on ${still}.`);
          },
        );
      });
    },
  };
}
