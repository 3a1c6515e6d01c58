// casebook search page: upgrades the server-rendered plain GET form in
// <div data-module="casebook-search"> with results, facets and a live region.
// One state object (query, facets, year range, page) round-trips through the URL.

import { SearchIndex, SearchIndexError, applyFacets, excerpt, matchRanges, normalize } from './search-core.js';

const PAGE_SIZE = 10;
const TYPING_DELAY = 250;
const LISTS = ['district', 'scheme', 'theme', 'year', 'status'];
const NO_FILTERS = { district: [], scheme: [], theme: [], year: [], status: [], from: null, to: null };

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

const isActive = (s) => s.q.trim() !== '' || LISTS.some((n) => s[n].length) || s.from != null || s.to != null;

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
      status: $('[data-search-status]'), layout: $('[data-search-layout]'), facetsNode: $('[data-search-facets]'),
      list: $('[data-search-list]'), pages: $('[data-search-pages]'), heading: $('#search-results-heading'),
      browse: document.querySelector('[data-search-browse]'), searchId: 0, typing: false, index: null, controls: null,
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
      if (id !== this.searchId) return;
      this.buildFacets(index);
      const { results, counts } = applyFacets(index, matches.cases, this.filters(index, state));
      const pages = Math.max(1, Math.ceil(results.length / PAGE_SIZE));
      const page = Math.min(state.page, pages);
      const shown = results.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
      const rows = await Promise.all(shown.map((i) => this.row(index, i, matches.forms)));
      if (id !== this.searchId) return;
      this.renderFacets(counts, state);
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

  /** Facet names in the URL → the index's numbers. */
  filters(index, state) {
    const { manifest, districts } = index;
    const ids = (names, all) => new Set(names.map((n) => all.indexOf(n)).filter((i) => i >= 0));
    const district = new Set();
    for (const value of state.district) {
      const [wardName, areaName] = value.split('/');
      const ward = districts.tree.find((w) => w.ward === wardName);
      const chosen = areaName == null ? ward : ward?.areas.find((a) => a.name === areaName);
      if (chosen) district.add(chosen.id);
    }
    return {
      districts: district,
      schemes: ids(state.scheme, manifest.schemes),
      themes: ids(state.theme, manifest.themes),
      years: ids(state.year, manifest.years.map((y) => y.year)),
      statuses: ids(state.status, manifest.statuses),
      from: state.from,
      to: state.to,
    };
  }

  /** What one result shows. The text store is fetched only when the title
   *  and summary do not show every word. */
  async row(index, i, forms) {
    const display = await index.display(i);
    const { facets, manifest, districts } = index;
    const d = facets.district[i], ward = districts.ward[d];
    const place = [manifest.districts[ward].name];
    if (districts.area[d] >= 0) place.push(districts.tree[ward].areas.find((a) => a.id === d).name);
    const head = normalize(`${display.title}\n${display.summary}`);
    const shownByHead = forms.every((wordForms) => wordForms.some((f) => head.includes(f)));
    return {
      ...display,
      place: place.join(' '),
      status: manifest.statuses[facets.status[i]],
      year: manifest.years[facets.year[i]].label,
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

  /** The facet controls, built once; each search then updates their counts. */
  buildFacets(index) {
    if (this.controls) return;
    const { manifest } = index, t = this.t, node = this.facetsNode;
    this.controls = [];
    const clear = element('button', 'search-facets__clear', t.tClear);
    clear.type = 'button';
    clear.addEventListener('click', () => this.update({ ...NO_FILTERS, page: 1 }, 'push'));
    node.append(element('h2', 'search-facets__title', t.tFilters), clear);
    const checkbox = (param, value, label, key) => {
      const item = element('li', 'facet__item'), text = element('label', 'facet__label');
      const input = element('input'), count = element('span', 'facet__count');
      Object.assign(input, { type: 'checkbox', name: param, value: String(value) });
      text.append(input, ` ${label} `, count);
      item.append(text);
      this.controls.push({ param, value: String(value), input, count, key });
      return item;
    };
    const fieldset = (param, legend) => {
      const set = element('fieldset', 'facet');
      set.append(element('legend', 'facet__legend', legend));
      node.append(set);
      return set;
    };
    const list = (items) => {
      const ul = element('ul', 'facet__list');
      ul.append(...items);
      return ul;
    };
    fieldset('district', t.tDistrict).append(list(index.districts.tree.map((ward) => {
      const item = checkbox('district', ward.ward, ward.ward, ['districts', ward.id]);
      if (ward.areas.length) {
        const areas = list(ward.areas.map((a) => checkbox('district', `${ward.ward}/${a.name}`, a.name, ['districts', a.id])));
        areas.classList.add('facet__list--areas');
        areas.setAttribute('aria-label', t.tAreas.replace('{ward}', ward.ward));
        areas.dataset.ward = ward.ward;
        item.append(areas);
      }
      return item;
    })));
    fieldset('scheme', t.tSchemes).append(list(manifest.schemes.map((name, i) => checkbox('scheme', name, name, ['schemes', i]))));
    fieldset('theme', t.tThemes).append(list(manifest.themes.map((name, i) => checkbox('theme', name, name, ['themes', i]))));
    const years = fieldset('year', t.tFiscalYear);
    years.append(list(manifest.years.map((y, i) => checkbox('year', y.year, y.label, ['years', i]))));
    const range = element('div', 'facet__range');
    range.append(element('p', 'facet__range-title', t.tYearRange));
    this.range = {};
    for (const [param, label] of [['from', t.tYearFrom], ['to', t.tYearTo]]) {
      const text = element('label', 'facet__range-label', label), select = element('select');
      text.htmlFor = select.id = `search-year-${param}`;
      select.name = param;
      select.append(new Option(t.tAny, ''), ...manifest.years.map((y) => new Option(y.label, String(y.year))));
      select.addEventListener('change', () => this.update({ [param]: select.value ? Number(select.value) : null, page: 1 }, 'push'));
      this.range[param] = select;
      range.append(text, select);
    }
    years.append(range);
    fieldset('status', t.tStatus).append(list(manifest.statuses.map((key, i) => checkbox('status', key, t[statusKey(key)] ?? key, ['statuses', i]))));
    node.addEventListener('change', ({ target: input }) => {
      if (input.type !== 'checkbox') return;
      const values = new Set(this.state[input.name].map(String));
      if (input.checked) values.add(input.value); else values.delete(input.value);
      // Unticking a ward unticks its areas too.
      if (input.name === 'district' && !input.checked) {
        for (const v of values) if (v.startsWith(`${input.value}/`)) values.delete(v);
      }
      this.update({ [input.name]: [...values].map(input.name === 'year' ? Number : String), page: 1 }, 'push');
    });
  }

  renderFacets(counts, state) {
    for (const { param, value, input, count, key } of this.controls) {
      const n = counts[key[0]][key[1]];
      input.checked = state[param].map(String).includes(value);
      count.textContent = `(${n.toLocaleString()})`;
      input.closest('.facet__item').classList.toggle('facet__item--empty', n === 0 && !input.checked);
    }
    // A ward's areas show while the ward or one of its areas is chosen.
    for (const areas of this.facetsNode.querySelectorAll('.facet__list--areas')) {
      const ward = areas.dataset.ward;
      areas.hidden = !state.district.some((d) => d === ward || d.startsWith(`${ward}/`));
    }
    this.range.from.value = state.from ?? '';
    this.range.to.value = state.to ?? '';
  }
}

for (const root of document.querySelectorAll('[data-module="casebook-search"]')) new CasebookSearch(root).init();
