import 'uplot/dist/uPlot.min.css';
import './styles.css';
import type { DashboardConfig } from '../../shared/dashboard/dashboard-assets.ts';
import { apiClient, createAuth } from './api.ts';
import { announce, h } from './dom.ts';
import { dictionaries } from './i18n.ts';
import { loadSegments, main, messageOf, page, refreshKillSwitch } from './page.ts';
import { alertsView } from './views/alerts.view.ts';
import { gridView } from './views/grid.view.ts';
import { type Market, marketOf } from './views/market.ts';
import { overviewView } from './views/overview.view.ts';
import { segmentView } from './views/segment.view.ts';
import { statusView } from './views/status.view.ts';

async function start(): Promise<void> {
  document.documentElement.lang = page.language;
  const config = (await (await fetch('config.json')).json()) as DashboardConfig;
  page.auth = await createAuth(config);
  page.api = apiClient(() => page.auth.token());
  page.rerender = route;
  window.addEventListener('hashchange', () => void route());
  await route();
}

/** Hash routes: #/ (overview), #/grid, #/status, #/alerts, #/segment/<id>. */
async function route(): Promise<void> {
  const [, view = '', id] = location.hash.replace(/^#/, '').split('/');
  renderChrome(view);
  if (!(await page.auth.signedIn())) return renderSignIn();
  await withStates(async () => {
    if (view === 'segment' && id) return segmentView(id);
    if (view === 'grid') return marketView(gridView);
    if (view === 'status') return statusView();
    if (view === 'alerts') return alertsView();
    return marketView(overviewView);
  });
}

/** The overview and the grid: every segment, the branches and regions they span; empty as such. */
async function marketView(render: (market: Market) => HTMLElement): Promise<HTMLElement> {
  const [{ segments, asOf }] = await Promise.all([loadSegments(), refreshKillSwitch()]);
  if (segments.length === 0) return h('p', { class: 'state empty' }, page.t.empty);
  return render(marketOf(segments, asOf));
}

function renderChrome(view: string): void {
  const { t } = page;
  document.title = t.title;
  const link = (href: string, label: string, name: string) =>
    h('a', { href, 'aria-current': view === name ? 'page' : undefined }, label);
  const header = document.getElementById('header') as HTMLElement;
  header.replaceChildren(
    h('h1', {}, t.title),
    h(
      'nav',
      { 'aria-label': t.title },
      link('#/', t.overview, ''),
      link('#/grid', t.grid, 'grid'),
      link('#/status', t.status, 'status'),
      link('#/alerts', t.alerts, 'alerts'),
    ),
    h('span', { id: 'kill-switch-badge', class: 'badge', 'aria-live': 'polite' }),
    h(
      'button',
      {
        type: 'button',
        class: 'link',
        onClick: () => {
          page.language = page.language === 'nl' ? 'en' : 'nl';
          localStorage.setItem('lfi-language', page.language);
          page.t = dictionaries[page.language];
          document.documentElement.lang = page.language;
          void route();
        },
      },
      t.language,
    ),
  );
}

/** Loading first, then the view, or an error with a way to try again; never a blank page. */
async function withStates(view: () => Promise<HTMLElement>): Promise<void> {
  const { t } = page;
  main().replaceChildren(h('p', { class: 'state loading', role: 'status' }, t.loading));
  try {
    main().replaceChildren(await view());
    for (const chart of main().querySelectorAll<HTMLElement>('[data-chart]'))
      chart.dispatchEvent(new Event('draw'));
  } catch (error) {
    main().replaceChildren(
      h(
        'div',
        { class: 'state error', role: 'alert' },
        h('p', {}, `${t.errorPrefix}: ${messageOf(error)}`),
        h('button', { type: 'button', onClick: () => void route() }, t.retry),
      ),
    );
  }
}

function renderSignIn(): void {
  const { t } = page;
  const form = h(
    'form',
    {
      class: 'card sign-in',
      onSubmit: async (event: Event) => {
        event.preventDefault();
        const data = new FormData(event.target as HTMLFormElement);
        try {
          await page.auth.signIn(String(data.get('email')), String(data.get('password')));
          await route();
        } catch (error) {
          announce(messageOf(error), 'error');
        }
      },
    },
    h('h2', {}, t.signInTitle),
    h('p', { class: 'hint' }, t.signInHint),
    h(
      'label',
      {},
      t.email,
      h('input', { name: 'email', type: 'email', required: true, autocomplete: 'username' }),
    ),
    h(
      'label',
      {},
      t.password,
      h('input', { name: 'password', type: 'password', required: true, autocomplete: 'current-password' }),
    ),
    h('button', { type: 'submit', class: 'primary' }, t.signIn),
  );
  main().replaceChildren(form);
}

void start();
