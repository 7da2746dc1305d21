/**
 * The person's own microphone, camera and screen, as a statechart the call machine invokes for
 * as long as the call is on. The camera-and-microphone actor (supplied with `.provide()`) does
 * the capturing; this machine decides what is on. Once the camera is ready three things can
 * change independently (parallel regions): the microphone (muted or not), the camera (off turns
 * its light off; on again captures anew) and a shared screen (sent in place of the camera, or
 * beside it as a second video; the person chooses when starting and may switch while sharing). After
 * every change it tells the call machine what is sent now (`media.changed`), and the call machine
 * passes that on to every person's peer machine.
 */
import { assign, fromCallback, sendParent, sendTo, setup } from 'xstate';
import { MEDIA_AT_START } from '../../shared/peerChannel.js';
import type { CallEvent, DeviceCommand, DeviceEvent, MediaControl, MediaEvent, OutgoingMedia } from './events.js';

export interface LocalMediaContext {
  media: OutgoingMedia;
}

type LocalMediaMachineEvent = MediaControl | MediaEvent | DeviceEvent;

/** What is sent when the camera first comes on. */
export const INITIAL_MEDIA: OutgoingMedia = { ...MEDIA_AT_START, screenBeside: false };

const sets = (part: Partial<OutgoingMedia>) => assign<LocalMediaContext, LocalMediaMachineEvent, undefined, LocalMediaMachineEvent, never>({
  media: ({ context }) => ({ ...context.media, ...part }),
});

export const localMediaMachine = setup({
  types: {
    context: {} as LocalMediaContext,
    events: {} as LocalMediaMachineEvent,
  },
  actors: {
    devices: fromCallback<DeviceCommand>(() => {
      throw new Error('The devices actor must be supplied with localMediaMachine.provide().');
    }),
  },
  // What the call machine is told; named, so a test can run the machine without a parent.
  actions: {
    /** What is sent now. */
    announce: sendParent(({ context }): CallEvent => ({ type: 'media.changed', media: context.media })),
    /** Something the person should know about their devices. */
    note: sendParent(({ event }): CallEvent => ({ type: 'media.note', text: 'text' in event ? event.text : 'detail' in event ? event.detail : '' })),
    /** The capture's outcome, for the call machine to act on. */
    passOn: sendParent(({ event }): CallEvent => (event.type === 'media.denied' || event.type === 'media.missing' || event.type === 'media.failed' ? event : { type: 'media.ready' })),
  },
}).createMachine({
  id: 'media',
  context: { media: INITIAL_MEDIA },
  invoke: { id: 'devices', src: 'devices' },
  initial: 'capturing',
  states: {
    capturing: {
      on: {
        'media.ready': { target: 'ready', actions: 'passOn' },
        // The call machine ends the call with the reason.
        'media.denied': { target: 'unavailable', actions: 'passOn' },
        'media.missing': { target: 'unavailable', actions: 'passOn' },
        'media.failed': { target: 'unavailable', actions: 'passOn' },
      },
    },
    unavailable: {},
    ready: {
      type: 'parallel',
      on: {
        'user.chooseDevice': { actions: sendTo('devices', ({ event }) => ({ type: 'device.use' as const, kind: event.kind, deviceId: event.deviceId })) },
        // Other tracks, the same state: the peer connections send the new ones.
        'device.switched': { actions: ['note', 'announce'] },
        'device.note': { actions: 'note' },
      },
      states: {
        microphone: {
          initial: 'on',
          states: {
            on: {
              entry: [sets({ audio: true }), sendTo('devices', { type: 'microphone', enabled: true }), 'announce'],
              on: { 'user.toggleMicrophone': 'off' },
            },
            // Muted: the track stays, sending silence, so unmuting is instant and needs no renegotiation.
            off: {
              entry: [sets({ audio: false }), sendTo('devices', { type: 'microphone', enabled: false }), 'announce'],
              on: { 'user.toggleMicrophone': 'on' },
            },
          },
        },
        camera: {
          initial: 'on',
          states: {
            on: {
              entry: [sets({ video: true }), 'announce'],
              on: {
                'user.toggleCamera': 'off',
                // The camera was unplugged and no other is there.
                'device.cameraFailed': { target: 'failed', actions: 'note' },
              },
            },
            // Off means the track is stopped, so the camera's light goes out.
            off: {
              entry: [sets({ video: false }), sendTo('devices', { type: 'camera.stop' }), 'announce'],
              on: { 'user.toggleCamera': 'starting' },
            },
            starting: {
              entry: sendTo('devices', { type: 'camera.start' }),
              on: {
                'device.cameraOn': 'on',
                'device.cameraFailed': { target: 'failed', actions: 'note' },
                'user.toggleCamera': 'off',
              },
            },
            failed: {
              entry: [sets({ video: false }), 'announce'],
              on: { 'user.toggleCamera': 'starting' },
            },
          },
        },
        screen: {
          initial: 'off',
          states: {
            off: {
              entry: [sets({ screen: false, screenBeside: false }), sendTo('devices', { type: 'screen.stop' }), 'announce'],
              on: { 'user.toggleScreen': 'starting.instead', 'user.toggleScreenBeside': 'starting.beside' },
            },
            // The browser asks which screen, window or tab; the person may cancel.
            starting: {
              entry: sendTo('devices', { type: 'screen.start' }),
              on: {
                'device.screenFailed': { target: 'failed', actions: 'note' },
                'user.toggleScreen': 'off',
              },
              initial: 'instead',
              states: {
                instead: { on: { 'device.screenOn': '#media.ready.screen.on.instead' } },
                beside: { on: { 'device.screenOn': '#media.ready.screen.on.beside' } },
              },
            },
            on: {
              on: {
                'user.toggleScreen': 'off',
                'device.screenEnded': 'off',
              },
              initial: 'instead',
              states: {
                // The screen goes where the camera went: one video.
                instead: {
                  entry: [sets({ screen: true, screenBeside: false }), 'announce'],
                  on: { 'user.toggleScreenBeside': 'beside' },
                },
                // The screen goes as a second video; the camera (if on) is still sent.
                beside: {
                  entry: [sets({ screen: true, screenBeside: true }), 'announce'],
                  on: { 'user.toggleScreenBeside': 'instead' },
                },
              },
            },
            failed: {
              on: { 'user.toggleScreen': 'starting.instead', 'user.toggleScreenBeside': 'starting.beside' },
            },
          },
        },
      },
    },
  },
});

export type LocalMediaMachine = typeof localMediaMachine;
