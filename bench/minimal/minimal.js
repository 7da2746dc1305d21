// The least a hand-written call page does, as the benchmark's yardstick: on Start it asks for
// the camera and opens the socket at once, the later joiner offers, candidates trickle.
const room = new URL(location.href).searchParams.get('room') ?? 'minimal';
const video = document.getElementById('remote-video');
const state = (value) => (document.body.dataset.callState = value);

function start() {
  const media = navigator.mediaDevices.getUserMedia({ audio: true, video: { width: { ideal: 1280 }, height: { ideal: 720 } } });
  const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
  const send = (message) => socket.send(JSON.stringify(message));
  let pc = null;
  let queue = Promise.resolve();

  async function handle(message) {
    const stream = await media;
    if (message.type === 'joined') {
      pc = new RTCPeerConnection({ iceServers: message.iceServers });
      pc.onicecandidate = ({ candidate }) => send({ type: 'candidate', candidate });
      pc.ontrack = ({ streams }) => {
        if (video.srcObject !== streams[0]) video.srcObject = streams[0];
      };
      pc.onconnectionstatechange = () => {
        if (pc.connectionState === 'connected') state('active.room.call.inCall.connected');
      };
      if (message.others === 0) return state('active.room.call.waiting');
      for (const track of stream.getTracks()) pc.addTrack(track, stream);
      await pc.setLocalDescription();
      send({ type: 'description', description: pc.localDescription });
    } else if (message.type === 'description') {
      await pc.setRemoteDescription(message.description);
      if (message.description.type === 'offer') {
        for (const track of stream.getTracks()) pc.addTrack(track, stream);
        await pc.setLocalDescription();
        send({ type: 'description', description: pc.localDescription });
      }
    } else if (message.type === 'candidate') {
      await pc.addIceCandidate(message.candidate ?? undefined);
    }
  }

  socket.onopen = () => send({ type: 'join', room });
  socket.onmessage = ({ data }) => {
    const message = JSON.parse(data);
    queue = queue.then(() => handle(message)).catch((error) => console.error(error));
  };
}

document.getElementById('start').addEventListener('click', start, { once: true });
state('idle');
