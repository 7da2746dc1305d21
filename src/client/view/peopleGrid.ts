/**
 * The other people of the call, one tile each: their video, their name, and how the connection
 * with them is doing. Tiles follow the call machine's roster; each carries `data-peer-id` and
 * `data-peer-state` (their peer machine's state, written like `data-call-state`) for tools, and
 * `data-quality` (the quality level of the connection with them, once it is measured). A screen
 * they share beside their camera is shown large, their camera small inside the tile (`video.inset`,
 * there only then).
 */
import type { AnyActorRef } from 'xstate';
import type { MediaStage } from '../effects/mediaStage.js';
import type { PairStatus } from '../machine/events.js';
import type { Person } from '../machine/roster.js';
import type { QualityLevel } from '../quality/qualityLevel.js';
import { stateToString } from '../machine/stateToString.js';
import { remoteVideos } from './remoteVideos.js';

interface Tile {
  root: HTMLElement;
  video: HTMLVideoElement;
  /** Their camera, small, while a screen they share beside it is large (in the tile only then). */
  inset: HTMLVideoElement;
  /** Whether their media is to be shown (their connection has tracks). */
  shown: boolean;
  screenOn: boolean;
  name: HTMLElement;
  link: HTMLElement;
  /** Shown instead of a frozen frame while their camera is off. */
  placeholder: HTMLElement;
  muted: HTMLElement;
  code: HTMLElement;
  quality: HTMLElement;
  /** The tile's words for screen readers, without its quality. */
  described: string;
}

const onOff = (on: boolean) => (on ? 'on' : 'off');

/** What the code on a tile means, in one sentence. */
export const CODE_MEANING =
  'If this code is the same on their screen, your call goes straight to them, encrypted, with no one in between.';

/** The connection indicator, in words (also for screen readers). */
const LINK_WORDS: Record<PairStatus, string> = {
  negotiating: 'connecting…',
  connected: 'connected',
  interrupted: 'connection interrupted…',
  restarting: 'reconnecting…',
  failed: 'could not connect',
  unreachable: 'cannot get through',
};

export function play(video: HTMLVideoElement, stream: MediaStream | null): void {
  if (video.srcObject !== stream) video.srcObject = stream;
  if (stream) video.play().catch(() => {});
}

export function createPeopleGrid(container: HTMLElement, stage: MediaStage) {
  const tiles = new Map<string, Tile>();
  /** The speaker the others are heard on: '' for the system's default, until one is chosen and works. */
  let speaker = '';
  const playOn = (video: HTMLVideoElement, stream: MediaStream | null) => {
    play(video, stream);
    // The speaker worked when chosen; if it has gone since, the browser keeps playing on the default.
    if (stream && speaker && 'setSinkId' in video) video.setSinkId(speaker).catch(() => {});
  };
  /** Their streams where they go: large, and small inside while a screen goes beside the camera. */
  const present = (tile: Tile, key: string) => {
    const { main, inset } = tile.shown ? remoteVideos(stage.remotes.get(key) ?? [], tile.screenOn) : { main: null, inset: null };
    playOn(tile.video, main);
    playOn(tile.inset, inset);
    if (inset && !tile.inset.isConnected) tile.root.insertBefore(tile.inset, tile.video.nextSibling);
    if (!inset) tile.inset.remove();
  };

  const makeTile = (key: string): Tile => {
    const root = document.createElement('figure');
    root.className = 'tile';
    root.dataset.key = key;
    const [video, inset] = [0, 1].map(() => {
      const element = document.createElement('video');
      element.autoplay = true;
      element.playsInline = true;
      return element;
    }) as [HTMLVideoElement, HTMLVideoElement];
    inset.className = 'inset';
    const placeholder = document.createElement('div');
    placeholder.className = 'placeholder';
    placeholder.setAttribute('aria-hidden', 'true');
    const caption = document.createElement('figcaption');
    const muted = document.createElement('span');
    muted.className = 'muted';
    muted.textContent = 'muted';
    const name = document.createElement('span');
    name.className = 'name';
    const link = document.createElement('span');
    link.className = 'link';
    const code = document.createElement('span');
    code.className = 'code';
    code.title = CODE_MEANING;
    const quality = document.createElement('span');
    quality.className = 'quality-badge';
    quality.hidden = true;
    caption.append(muted, name, link, code, quality);
    root.append(video, placeholder, caption);
    container.append(root);
    return { root, video, inset, shown: false, screenOn: false, name, link, placeholder, muted, code, quality, described: '' };
  };

  /** What a screen reader says for the tile: who, what they send, the connection, its quality. */
  const label = (tile: Tile) => {
    const quality = tile.root.dataset.quality;
    tile.root.setAttribute('aria-label', quality === undefined ? tile.described : `${tile.described}, quality ${quality}`);
  };

  return {
    /** Draws the roster: a tile per person, in the order they came, each with its peer machine's state. */
    render(people: readonly Person[], children: Readonly<Record<string, AnyActorRef | undefined>>) {
      const keys = new Set(people.map((person) => person.key));
      for (const [key, tile] of tiles) {
        if (keys.has(key)) continue;
        tile.shown = false;
        present(tile, key);
        tile.root.remove();
        tiles.delete(key);
      }
      people.forEach((person, index) => {
        const tile = tiles.get(person.key) ?? makeTile(person.key);
        tiles.set(person.key, tile);
        // Away (the server forgot them for a moment), the last id they had still names them.
        if (person.peerId !== null) tile.root.dataset.peerId = person.peerId;
        const machine = children[person.key]?.getSnapshot() as { value?: Parameters<typeof stateToString>[0] } | undefined;
        tile.root.dataset.peerState = machine?.value === undefined ? 'stopped' : stateToString(machine.value);
        tile.root.dataset.link = person.status;
        tile.name.textContent = person.name;
        tile.link.textContent = LINK_WORDS[person.status];
        tile.link.title = person.problem ?? '';
        // What they send, as far as this page knows (their data channel messages).
        tile.root.dataset.audio = onOff(person.media.audio);
        tile.root.dataset.video = onOff(person.media.video);
        tile.root.dataset.screen = onOff(person.media.screen);
        if (tile.screenOn !== person.media.screen) {
          tile.screenOn = person.media.screen;
          present(tile, person.key);
        }
        tile.muted.hidden = person.media.audio;
        tile.placeholder.textContent = person.name.slice(0, 1).toUpperCase();
        if (person.verificationCode) {
          tile.root.dataset.verificationCode = person.verificationCode;
          tile.code.textContent = `code ${person.verificationCode}`;
        } else {
          delete tile.root.dataset.verificationCode;
          tile.code.textContent = '';
        }
        const muted = person.media.audio ? '' : ', muted';
        const camera = person.media.video || person.media.screen ? '' : ', camera off';
        tile.described = `${person.name}${muted}${camera}, ${LINK_WORDS[person.status]}`;
        label(tile);
        // In the order they came; moved only when out of place, as this runs on every snapshot.
        if (container.children[index] !== tile.root) container.insertBefore(tile.root, container.children[index] ?? null);
      });
      container.dataset.count = String(people.length);
    },
    showVideo(key: string) {
      const tile = tiles.get(key) ?? makeTile(key);
      tiles.set(key, tile);
      tile.shown = true;
      present(tile, key);
    },
    /**
     * Where the others are heard: `setSinkId` on every tile, now and for tiles to come. Rejects
     * (with the browser's error) when a tile cannot play there, e.g. the speaker was just
     * unplugged; the others are then heard where they were, and later tiles go there too.
     */
    async setSpeaker(deviceId: string): Promise<void> {
      const playing = [...tiles.values()].flatMap((tile) => [tile.video, tile.inset]).filter((video) => video.srcObject && 'setSinkId' in video);
      const results = await Promise.allSettled(playing.map((video) => video.setSinkId(deviceId)));
      const failure = results.find((result) => result.status === 'rejected');
      if (failure) {
        // Those that did move go back, so everyone is heard on one speaker.
        await Promise.allSettled(playing.map((video) => video.setSinkId(speaker)));
        throw failure.reason;
      }
      speaker = deviceId;
    },
    /** The quality level measured for the connection with that person; null while not measured. */
    showQuality(key: string, level: QualityLevel | null) {
      const tile = tiles.get(key);
      if (!tile) return;
      if (level === null) delete tile.root.dataset.quality;
      else tile.root.dataset.quality = level;
      tile.quality.hidden = level === null;
      tile.quality.textContent = level ?? '';
      label(tile);
    },
    hideVideo(key: string) {
      const tile = tiles.get(key);
      if (!tile) return;
      tile.shown = false;
      present(tile, key);
    },
  };
}
