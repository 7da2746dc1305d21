/** The statechart panel folds away to its header, leaving the call the whole width. */
export function setUpPanelToggle(panel: HTMLElement): void {
  const toggle = panel.querySelector<HTMLButtonElement>('.panel-toggle');
  if (!toggle) return;
  const set = (open: boolean) => {
    panel.classList.toggle('collapsed', !open);
    toggle.setAttribute('aria-expanded', String(open));
    toggle.textContent = open ? 'Hide' : 'Show';
  };
  toggle.addEventListener('click', () => set(panel.classList.contains('collapsed')));
  set(!window.matchMedia('(max-width: 800px)').matches);
}
