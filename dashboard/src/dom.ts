type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | ((event: Event) => void) | undefined>;

/** A tiny element builder: attributes, `on*` listeners, text or node children. */
export function h(tag: string, attributes: Attributes = {}, ...children: (Child | Child[])[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** Shows a modal confirmation; resolves true when confirmed. */
export function confirmDialog(
  message: string,
  labels: { confirm: string; cancel: string },
): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = h(
      'dialog',
      { class: 'confirm', 'aria-labelledby': 'confirm-text' },
      h('p', { id: 'confirm-text' }, message),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onClick: () => close(false) }, labels.cancel),
        h(
          'button',
          { type: 'button', class: 'primary', 'data-confirm': '', onClick: () => close(true) },
          labels.confirm,
        ),
      ),
    ) as HTMLDialogElement;
    const close = (answer: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    dialog.addEventListener('cancel', () => close(false));
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector<HTMLButtonElement>('[data-confirm]')?.focus();
  });
}

/** A short message for everyone, screen readers included. */
export function announce(message: string, kind: 'ok' | 'error' = 'ok'): void {
  const region = document.getElementById('toast');
  if (!region) return;
  region.textContent = message;
  region.className = `toast ${kind}`;
  window.setTimeout(() => {
    if (region.textContent === message) region.className = 'toast hidden';
  }, 6000);
}
