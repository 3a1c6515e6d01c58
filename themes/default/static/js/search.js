// casebook search page: upgrades the server-rendered
// <div data-module="casebook-search"> (a plain GET form that works without
// JavaScript) with results, facets and a live region. One state object
// (query, facets, year range, page) round-trips through the URL.

import { SearchIndex, SearchIndexError, applyFacets, excerpt, matchRanges, normalize } from './search-core.js';

const PAGE_SIZE = 10;
const TYPING_DELAY = 250;
const LIST_PARAMS = ['district', 'scheme', 'theme', 'year', 'status'];

/** The page's state from a URL's query string. */
export function stateFromUrl(url) {
  const params = new URL(url).searchParams;
  const year = (v) => (/^\d{4}$/.test(v ?? '') ? Number(v) : null);
  const state = { q: params.get('q') ?? '', from: year(params.get('from')), to: year(params.get('to')) };
  for (const name of LIST_PARAMS) state[name] = params.getAll(name).filter(Boolean);
  state.year = state.year.map(year).filter((y) => y != null);
  state.page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  return state;
}

/** The query string of a state (`?q=…&district=南区`), empty values left out. */
export function queryString(state) {
  const params = new URLSearchParams();
  if (state.q.trim()) params.set('q', state.q.trim());
  for (const name of LIST_PARAMS) for (const value of state[name]) params.append(name, String(value));
  if (state.from != null) params.set('from', String(state.from));
  if (state.to != null) params.set('to', String(state.to));
  if (state.page > 1) params.set('page', String(state.page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

const isActive = (state) => state.q.trim() !== '' || LIST_PARAMS.some((n) => state[n].length) || state.from != null || state.to != null;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

/** Appends `text` to `node`, each match of `forms` in a <mark>; never parses HTML. */
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
    this.root = root;
    this.t = root.dataset;
    this.base = root.dataset.base ?? '/';
    this.form = root.querySelector('form');
    this.input = this.form.querySelector('input[name="q"]');
    this.status = root.querySelector('[data-search-status]');
    this.layout = root.querySelector('[data-search-layout]');
    this.facetsNode = root.querySelector('[data-search-facets]');
    this.list = root.querySelector('[data-search-list]');
    this.pages = root.querySelector('[data-search-pages]');
    this.heading = root.querySelector('#search-results-heading');
    this.browse = document.querySelector('[data-search-browse]');
    this.searchId = 0;
    this.typing = false;
    this.index = null;
    this.controls = null;
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
        // The first search of a burst of typing gets a history entry; the rest replace it.
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
    const next = { ...this.state, ...changes };
    const url = `${location.pathname}${queryString(next)}`;
    if (url !== `${location.pathname}${location.search}`) {
      if (history === 'push') window.history.pushState(null, '', url);
      else window.history.replaceState(null, '', url);
    }
    this.state = next;
    return this.run();
  }

  loadIndex() {
    this.index ??= SearchIndex.load(this.root.dataset.index).catch((error) => {
      this.index = null;
      throw error;
    });
    return this.index;
  }

  /** Marks the page settled for the URL it shows (tests and benchmarks wait for it). */
  settled(id) {
    if (id !== this.searchId) return;
    this.root.dataset.searchUrl = location.search;
    this.root.dataset.searchState = 'done';
  }

  async run() {
    const id = ++this.searchId;
    const state = this.state;
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
      const index = await this.loadIndex();
      const matches = await index.search(state.q);
      if (id !== this.searchId) return;
      this.buildFacets(index);
      const { results, counts } = applyFacets(index, matches.cases, this.filters(index, state));
      const pages = Math.max(1, Math.ceil(results.length / PAGE_SIZE));
      const page = Math.min(state.page, pages);
      const shown = results.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
      const rows = await Promise.all(shown.map((i) => this.row(index, i, matches.forms)));
      if (id !== this.searchId) return;
      this.renderFacets(index, counts, state);
      this.renderResults(rows);
      this.renderPages(page, pages, state);
      this.layout.hidden = false;
      if (this.browse) this.browse.hidden = true;
      this.status.textContent = results.length
        ? this.t.tFound.replace('{n}', results.length.toLocaleString())
        : this.t.tNone;
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
      const area = areaName == null ? ward : ward?.areas.find((a) => a.name === areaName);
      if (area) district.add(area.id);
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

  /** What one result shows; the text store is fetched only when the title
   *  and summary do not show every word. */
  async row(index, i, forms) {
    const display = await index.display(i);
    const facets = index.facets;
    const ward = index.districts.ward[facets.district[i]];
    const area = index.districts.area[facets.district[i]];
    const place = [index.manifest.districts[ward].name];
    if (area >= 0) place.push(index.districts.tree[ward].areas.find((a) => a.id === area).name);
    const head = normalize(`${display.title}\n${display.summary}`);
    const shownByHead = forms.every((wordForms) => wordForms.some((f) => head.includes(f)));
    const rest = shownByHead ? null : excerpt(await index.rest(i), forms.flat());
    return {
      ...display,
      place: place.join(' '),
      status: index.manifest.statuses[facets.status[i]],
      year: index.manifest.years[facets.year[i]].label,
      excerpt: rest,
      forms: forms.flat(),
    };
  }

  renderResults(rows) {
    const items = rows.map((row) => {
      const item = element('li', 'search-result');
      const title = element('h3', 'search-result__title');
      const link = element('a');
      link.href = `${this.base}${row.path}`;
      appendMarked(link, row.title, row.forms);
      title.append(link);
      const meta = element('p', 'search-result__meta');
      const statusKey = `tStatus${row.status.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase())}`;
      for (const [label, value] of [
        [this.t.tDistrict, row.place],
        [this.t.tStatus, this.t[statusKey] ?? row.status],
        [this.t.tFiscalYear, row.year],
      ]) {
        const part = element('span', 'search-result__fact');
        part.append(element('span', 'visually-hidden', `${label}: `), value);
        meta.append(part);
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
    });
    this.list.replaceChildren(...items);
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
    const { manifest } = index;
    this.controls = [];
    const node = this.facetsNode;
    const title = element('h2', 'search-facets__title', this.t.tFilters);
    const clear = element('button', 'search-facets__clear', this.t.tClear);
    clear.type = 'button';
    clear.addEventListener('click', () => this.update({ district: [], scheme: [], theme: [], year: [], status: [], from: null, to: null, page: 1 }, 'push'));
    node.append(title, clear);
    const checkbox = (param, value, label, key) => {
      const item = element('li', 'facet__item');
      const text = element('label', 'facet__label');
      const input = element('input');
      input.type = 'checkbox';
      input.name = param;
      input.value = String(value);
      const count = element('span', 'facet__count');
      text.append(input, ` ${label} `, count);
      item.append(text);
      this.controls.push({ param, value, input, count, key });
      return item;
    };
    const fieldset = (param, legend) => {
      const set = element('fieldset', 'facet');
      set.dataset.facet = param;
      set.append(element('legend', 'facet__legend', legend));
      node.append(set);
      return set;
    };
    const list = (items) => {
      const ul = element('ul', 'facet__list');
      ul.append(...items);
      return ul;
    };
    const districts = fieldset('district', this.t.tDistrict);
    districts.append(list(index.districts.tree.map((ward) => {
      const item = checkbox('district', ward.ward, ward.ward, ['districts', ward.id]);
      if (ward.areas.length) {
        const areas = list(ward.areas.map((area) => checkbox('district', `${ward.ward}/${area.name}`, area.name, ['districts', area.id])));
        areas.classList.add('facet__list--areas');
        areas.setAttribute('aria-label', this.t.tAreas.replace('{ward}', ward.ward));
        areas.dataset.ward = ward.ward;
        item.append(areas);
      }
      return item;
    })));
    fieldset('scheme', this.t.tSchemes).append(list(manifest.schemes.map((name, i) => checkbox('scheme', name, name, ['schemes', i]))));
    fieldset('theme', this.t.tThemes).append(list(manifest.themes.map((name, i) => checkbox('theme', name, name, ['themes', i]))));
    const years = fieldset('year', this.t.tFiscalYear);
    years.append(list(manifest.years.map((y, i) => checkbox('year', y.year, y.label, ['years', i]))));
    const range = element('div', 'facet__range');
    range.append(element('p', 'facet__range-title', this.t.tYearRange));
    this.range = {};
    for (const [param, label] of [['from', this.t.tYearFrom], ['to', this.t.tYearTo]]) {
      const id = `search-year-${param}`;
      const text = element('label', 'facet__range-label', label);
      text.htmlFor = id;
      const select = element('select');
      select.id = id;
      select.name = param;
      select.append(new Option(this.t.tAny, ''), ...manifest.years.map((y) => new Option(y.label, String(y.year))));
      select.addEventListener('change', () => this.update({ [param]: select.value ? Number(select.value) : null, page: 1 }, 'push'));
      this.range[param] = select;
      range.append(text, select);
    }
    years.append(range);
    fieldset('status', this.t.tStatus).append(list(manifest.statuses.map((key, i) => {
      const label = this.t[`tStatus${key.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase())}`] ?? key;
      return checkbox('status', key, label, ['statuses', i]);
    })));
    node.addEventListener('change', (event) => {
      const input = event.target;
      if (input.type !== 'checkbox') return;
      const values = new Set(this.state[input.name].map(String));
      if (input.checked) values.add(input.value);
      else values.delete(input.value);
      // Unticking a ward unticks its areas too.
      if (input.name === 'district' && !input.checked && !input.value.includes('/')) {
        for (const v of [...values]) if (v.startsWith(`${input.value}/`)) values.delete(v);
      }
      const parse = input.name === 'year' ? Number : String;
      this.update({ [input.name]: [...values].map(parse), page: 1 }, 'push');
    });
  }

  renderFacets(index, counts, state) {
    for (const { param, value, input, count, key } of this.controls) {
      input.checked = state[param].map(String).includes(String(value));
      const n = counts[key[0]][key[1]];
      count.textContent = `(${n.toLocaleString()})`;
      input.closest('.facet__item').classList.toggle('facet__item--empty', n === 0 && !input.checked);
    }
    // A ward's areas show while the ward or one of its areas is chosen.
    for (const areas of this.facetsNode.querySelectorAll('.facet__list--areas')) {
      const ward = areas.dataset.ward;
      areas.hidden = !state.district.some((d) => d === ward || d.startsWith(`${ward}/`));
    }
    this.range.from.value = state.from == null ? '' : String(state.from);
    this.range.to.value = state.to == null ? '' : String(state.to);
  }
}

for (const root of document.querySelectorAll('[data-module="casebook-search"]')) {
  new CasebookSearch(root).init();
}
