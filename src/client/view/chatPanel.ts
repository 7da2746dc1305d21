/**
 * The call's chat: every line as text (never as HTML), with who wrote it and when, and an unread
 * count on the Chat button while the chat is closed. The lines are the call machine's; this only
 * shows them and turns what is typed into `user.sendChat`.
 */
import type { ChatLine } from '../machine/callMachine.js';
import type { UserEvent } from '../machine/events.js';
import { element } from './element.js';

const time = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

export function createChatPanel(root: Document, newId: () => string, now: () => number) {
  const panel = element(root, 'chat', HTMLElement);
  const log = element(root, 'chat-log', HTMLOListElement);
  const form = element(root, 'chat-form', HTMLFormElement);
  const input = element(root, 'chat-input', HTMLInputElement);
  const toggle = element(root, 'chat-toggle', HTMLButtonElement);
  const unread = element(root, 'chat-unread', HTMLElement);
  let shown = 0;
  let seen = 0;
  let lines: readonly ChatLine[] = [];

  const showUnread = () => {
    const count = panel.hidden ? lines.length - seen : 0;
    if (!panel.hidden) seen = lines.length;
    unread.hidden = count <= 0;
    unread.textContent = String(count);
    unread.setAttribute('aria-label', `${count} unread`);
  };
  const setOpen = (open: boolean) => {
    panel.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    showUnread();
    if (open) input.focus();
  };
  toggle.addEventListener('click', () => setOpen(panel.hidden));

  return {
    open: () => setOpen(true),
    close: () => setOpen(false),
    isOpen: () => !panel.hidden,
    onSend(send: (event: UserEvent) => void) {
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const text = input.value.trim();
        if (text === '') return;
        send({ type: 'user.sendChat', text, id: newId(), sentAt: now() });
        input.value = '';
      });
      input.addEventListener('keydown', (event) => {
        if (event.key === 'Escape') setOpen(false);
      });
    },
    render(chat: readonly ChatLine[]) {
      // A new call starts a new chat.
      if (chat.length < shown || (chat.length && lines.length && chat[0] !== lines[0])) {
        log.replaceChildren();
        shown = 0;
        seen = 0;
      }
      lines = chat;
      for (const line of chat.slice(shown)) {
        const item = document.createElement('li');
        item.dataset.from = line.key === null ? 'me' : line.key;
        const who = document.createElement('strong');
        who.textContent = line.key === null ? 'You' : line.name;
        const when = document.createElement('time');
        when.dateTime = new Date(line.sentAt).toISOString();
        when.textContent = time(line.sentAt);
        const text = document.createElement('span');
        text.className = 'text';
        text.textContent = line.text;
        item.append(who, ' ', when, ' ', text);
        log.append(item);
      }
      // The machine keeps the last lines only: so does the page.
      while (log.children.length > chat.length) log.firstElementChild?.remove();
      shown = chat.length;
      if (chat.length) log.lastElementChild?.scrollIntoView({ block: 'nearest' });
      showUnread();
    },
  };
}
