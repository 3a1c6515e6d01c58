// casebook search page: upgrades the server-rendered plain GET form in
// <div data-module="casebook-search"> with results, facets and a live region.
// One state object (query, facets, year range, page) round-trips through the
// URL. The facets (search-facets.js and facets.bin) load only once the
// filter panel is opened or the URL holds a filter.

import { SearchIndex, SearchIndexError, canSearch, excerpt, matchRanges, normalize } from './search-core.js';

const PAGE_SIZE = 10;
const TYPING_DELAY = 250;
const LISTS = ['district', 'scheme', 'theme', 'year', 'status'];

/** The state in a URL's query string. */
export function stateFromUrl(url) {
  const params = new URL(url).searchParams;
  const year = (v) => (/^\d{4}$/.test(v ?? '') ? Number(v) : null);
  const state = { q: params.get('q') ?? '', from: year(params.get('from')), to: year(params.get('to')) };
  for (const name of LISTS) state[name] = params.getAll(name).filter(Boolean);
  state.year = state.year.map(year).filter((y) => y != null);
  state.page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  return state;
}

/** A state as a query string (`?q=…&district=南区`), empty values left out. */
export function queryString(state) {
  const params = new URLSearchParams();
  if (state.q.trim()) params.set('q', state.q.trim());
  for (const name of LISTS) for (const value of state[name]) params.append(name, String(value));
  for (const name of ['from', 'to']) if (state[name] != null) params.set(name, String(state[name]));
  if (state.page > 1) params.set('page', String(state.page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

const filtered = (s) => LISTS.some((n) => s[n].length) || s.from != null || s.to != null;
const isActive = (s) => s.q.trim() !== '' || filtered(s);

/** `in-progress` → the dataset key of its label, `tStatusInProgress`. */
const statusKey = (status) => `tStatus${status.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase())}`;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

/** Appends `text`, each match of `forms` in a <mark>; never parses HTML. */
function appendMarked(node, text, forms) {
  let at = 0;
  for (const [start, end] of matchRanges(text, forms)) {
    node.append(text.slice(at, start), element('mark', null, text.slice(start, end)));
    at = end;
  }
  node.append(text.slice(at));
}

class CasebookSearch {
  constructor(root) {
    const $ = (selector) => root.querySelector(selector);
    Object.assign(this, {
      root, t: root.dataset, base: root.dataset.base ?? '/', form: $('form'), input: $('input[name="q"]'),
      status: $('[data-search-status]'), layout: $('[data-search-layout]'), panel: $('[data-search-facets]'),
      list: $('[data-search-list]'), pages: $('[data-search-pages]'), heading: $('#search-results-heading'),
      browse: document.querySelector('[data-search-browse]'), searchId: 0, typing: false, index: null, facets: null,
    });
  }

  init() {
    this.root.querySelector('[data-search-nojs]')?.setAttribute('hidden', '');
    this.state = stateFromUrl(location.href);
    this.input.value = this.state.q;
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      clearTimeout(this.timer);
      this.typing = false;
      this.update({ q: this.input.value, page: 1 }, 'push');
    });
    this.input.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        // A burst of typing makes one history entry, not one per pause.
        this.update({ q: this.input.value, page: 1 }, this.typing ? 'replace' : 'push');
        this.typing = true;
      }, TYPING_DELAY);
    });
    // Opening the filter panel the first time loads the facets and counts them.
    this.panel.addEventListener('toggle', () => { if (this.panel.open && !this.facets) this.run(); });
    window.addEventListener('popstate', () => {
      this.typing = false;
      this.state = stateFromUrl(location.href);
      this.input.value = this.state.q;
      this.run();
    });
    this.run();
  }

  /** Changes the state, records it in the history, and searches. */
  update(changes, history) {
    this.state = { ...this.state, ...changes };
    const url = `${location.pathname}${queryString(this.state)}`;
    if (url !== `${location.pathname}${location.search}`) window.history[`${history}State`](null, '', url);
    return this.run();
  }

  /** Marks the page settled for the URL it shows (tests and benchmarks wait for it). */
  settled(id) {
    if (id !== this.searchId) return;
    this.root.dataset.searchUrl = location.search;
    this.root.dataset.searchState = 'done';
  }

  async run() {
    const id = ++this.searchId, state = this.state;
    this.root.dataset.searchState = 'busy';
    performance.mark('casebook-search:start');
    if (!isActive(state)) {
      this.layout.hidden = true;
      if (this.browse) this.browse.hidden = false;
      this.status.textContent = '';
      this.settled(id);
      return;
    }
    this.list.setAttribute('aria-busy', 'true');
    try {
      this.index ??= SearchIndex.load(this.root.dataset.index);
      const index = await this.index.catch((error) => { this.index = null; throw error; });
      const matches = await index.search(state.q);
      if (filtered(state)) this.panel.open = true;
      let results = matches.cases, counts = null;
      if (this.panel.open) {
        const [facets, module] = await Promise.all([
          (this.facetModule ??= import('./search-facets.js')).then((m) => m.loadFacets(index)),
          this.facetModule,
        ]);
        if (id !== this.searchId) return;
        this.facets ??= new module.FacetPanel(this.panel.querySelector('[data-search-facet-body]'), index.manifest, this.t,
          (key) => this.t[statusKey(key)] ?? key, (changes) => this.update({ ...changes, page: 1 }, 'push'));
        ({ results, counts } = module.applyFacets(index.manifest, facets, matches.cases, module.filtersOf(index.manifest, state)));
      }
      if (id !== this.searchId) return;
      const pages = Math.max(1, Math.ceil(results.length / PAGE_SIZE));
      const page = Math.min(state.page, pages);
      const shown = results.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
      const rows = await Promise.all(shown.map((i) => this.row(index, i, matches.forms)));
      if (id !== this.searchId) return;
      if (counts) this.facets.render(counts, state);
      this.list.replaceChildren(...rows.map((row) => this.renderRow(row)));
      this.renderPages(page, pages, state);
      this.layout.hidden = false;
      if (this.browse) this.browse.hidden = true;
      this.status.textContent = results.length ? this.t.tFound.replace('{n}', results.length.toLocaleString()) : this.t.tNone;
      performance.mark('casebook-search:rendered');
    } catch (error) {
      if (id !== this.searchId) return;
      this.status.textContent = this.t.tError;
      if (!(error instanceof SearchIndexError)) throw error;
    } finally {
      if (id === this.searchId) this.list.removeAttribute('aria-busy');
      this.settled(id);
    }
  }

  /** What one result shows. The text store is fetched only when the title
   *  and summary do not show every word. */
  async row(index, i, forms) {
    const display = await index.display(i);
    const { manifest, districts } = index;
    const place = districts[display.district];
    const head = normalize(`${display.title}\n${display.summary}`);
    const shownByHead = forms.every((wordForms) => wordForms.some((f) => head.includes(f)));
    return {
      ...display,
      place: place.area ? `${place.ward} ${place.area}` : place.ward,
      status: manifest.statuses[display.status],
      year: manifest.years[display.year].label,
      excerpt: shownByHead ? null : excerpt(await index.rest(i), forms.flat()),
      forms: forms.flat(),
    };
  }

  renderRow(row) {
    const item = element('li', 'search-result');
    const title = element('h3', 'search-result__title'), link = element('a');
    link.href = `${this.base}${row.path}`;
    appendMarked(link, row.title, row.forms);
    title.append(link);
    if (row.illustrative) title.append(' ', element('span', 'label-illustrative', this.t.tIllustrative));
    const meta = element('p', 'search-result__meta');
    for (const [label, value] of [[this.t.tDistrict, row.place], [this.t.tStatus, this.t[statusKey(row.status)] ?? row.status], [this.t.tFiscalYear, row.year]]) {
      const fact = element('span', 'search-result__fact');
      fact.append(element('span', 'visually-hidden', `${label}: `), value);
      meta.append(fact);
    }
    const summary = element('p', 'search-result__summary');
    appendMarked(summary, row.summary, row.forms);
    item.append(title, meta, summary);
    if (row.excerpt) {
      const text = element('p', 'search-result__excerpt');
      if (row.excerpt.leading) text.append('…');
      appendMarked(text, row.excerpt.text, row.forms);
      if (row.excerpt.trailing) text.append('…');
      item.append(text);
    }
    return item;
  }

  renderPages(page, pages, state) {
    this.pages.replaceChildren();
    if (pages <= 1) return;
    const link = (label, target, rel) => {
      if (target < 1 || target > pages) return element('span', 'search-pages__edge', label);
      const a = element('a', 'search-pages__link', label);
      a.href = `${location.pathname}${queryString({ ...state, page: target })}`;
      a.rel = rel;
      a.addEventListener('click', (event) => {
        event.preventDefault();
        this.update({ page: target }, 'push').then(() => this.heading.focus());
      });
      return a;
    };
    const where = element('span', 'search-pages__current', this.t.tPage.replace('{page}', page).replace('{pages}', pages));
    where.setAttribute('aria-current', 'page');
    this.pages.append(link(this.t.tPrevious, page - 1, 'prev'), where, link(this.t.tNext, page + 1, 'next'));
  }
}

// A browser that cannot read the index keeps the plain form and its note.
if (canSearch()) {
  for (const root of document.querySelectorAll('[data-module="casebook-search"]')) new CasebookSearch(root).init();
}
