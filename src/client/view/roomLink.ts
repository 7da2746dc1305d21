/**
 * The room comes from the link (`/?room=NAME`). Without one, the page makes an unguessable
 * room id (128 random bits) and puts it into the address bar, so the link can be shared.
 */
const ROOM = /^[A-Za-z0-9_-]{1,64}$/;

export function newRoomId(random: (bytes: Uint8Array) => Uint8Array): string {
  const bytes = random(new Uint8Array(16));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export interface RoomLink {
  room: string;
  /** The room's link, without anything else the address had. */
  url: string;
  /** Set when the address named a room that is not valid. */
  invalid: string | null;
}

export function roomFromLocation(location: Location, history: History): RoomLink {
  const url = new URL(location.href);
  const asked = url.searchParams.get('room');
  const invalid = asked !== null && !ROOM.test(asked) ? asked : null;
  const room = asked !== null && invalid === null ? asked : newRoomId((bytes) => crypto.getRandomValues(bytes));
  const link = new URL('/', url);
  link.searchParams.set('room', room);
  if (link.href !== url.href) history.replaceState(null, '', link);
  return { room, url: link.href, invalid };
}
