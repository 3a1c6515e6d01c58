// casebook search facets: facets.bin, the filters and their disjunctive
// counts, and the panel of controls. search.js imports this module only when
// the panel is opened or the URL holds a filter, so a plain query never
// downloads it.

import { Bytes } from './search-core.js';

/** facets.bin (src/search/mod.rs, `facets`) → columns, and per case its schemes and themes. */
function parseFacets(data, manifest) {
  const b = new Bytes(data), n = b.varint();
  const column = () => {
    const wide = b.byte() === 2, raw = b.take(n * (wide ? 2 : 1));
    return Uint16Array.from({ length: n }, (_, i) => (wide ? raw[2 * i] | (raw[2 * i + 1] << 8) : raw[i]));
  };
  const [district, year, status] = [column(), column(), column()];
  const lists = (values) => {
    const sets = values.map(() => b.set(n)), start = new Uint32Array(n + 1);
    for (const set of sets) for (const i of set) start[i + 1]++;
    for (let i = 0; i < n; i++) start[i + 1] += start[i];
    const filled = start.slice(0, n), out = new Uint16Array(start[n]);
    sets.forEach((set, v) => { for (const i of set) out[filled[i]++] = v; });
    return { start, values: out };
  };
  return { district, year, status, schemes: lists(manifest.schemes), themes: lists(manifest.themes) };
}

/** The index's facets, fetched once. */
export const loadFacets = (index) => index.cached('facets.bin', (data) => parseFacets(data, index.manifest));

/** The ward → area tree with the ids the index gives each district. */
export function districtTree(manifest) {
  let id = 0;
  return manifest.districts.map((w) => ({ ward: w.name, id: id++, areas: w.areas.map((name) => ({ name, id: id++ })) }));
}

/**
 * Applies the filters to ranked matches and counts every facet value.
 * Counts are disjunctive: a facet's counts ignore that facet's own selection.
 * @param {number[]} ranked case numbers, best first
 * @param {{districts: Set<number>, schemes: Set<number>, themes: Set<number>,
 *   years: Set<number>, from: number|null, to: number|null, statuses: Set<number>}} filters
 *   district ids; scheme, theme, year and status indexes; from/to are years
 */
export function applyFacets(manifest, facets, ranked, filters) {
  const years = manifest.years.map((y) => y.year);
  const wardOf = [], isArea = [];
  for (const w of districtTree(manifest)) {
    wardOf[w.id] = w.id;
    for (const a of w.areas) { wardOf[a.id] = w.id; isArea[a.id] = true; }
  }
  const counts = {
    districts: new Uint32Array(wardOf.length),
    schemes: new Uint32Array(manifest.schemes.length),
    themes: new Uint32Array(manifest.themes.length),
    years: new Uint32Array(years.length),
    statuses: new Uint32Array(manifest.statuses.length),
  };
  // A ward with some of its areas chosen is narrowed to those areas.
  const narrowed = new Set([...filters.districts].filter((id) => isArea[id]).map((id) => wardOf[id]));
  const inDistrict = (d) => !filters.districts.size || (isArea[d] && filters.districts.has(d))
    || (filters.districts.has(wardOf[d]) && !narrowed.has(wardOf[d]));
  const inList = (list, chosen, i) => {
    if (!chosen.size) return true;
    for (let k = list.start[i]; k < list.start[i + 1]; k++) if (chosen.has(list.values[k])) return true;
    return false;
  };
  const inYears = (y) => (!filters.years.size || filters.years.has(y))
    && (filters.from == null || years[y] >= filters.from) && (filters.to == null || years[y] <= filters.to);
  const add = (list, count, i) => { for (let k = list.start[i]; k < list.start[i + 1]; k++) count[list.values[k]]++; };
  const results = [];
  for (const i of ranked) {
    const d = facets.district[i];
    const pass = [inDistrict(d), inList(facets.schemes, filters.schemes, i), inList(facets.themes, filters.themes, i),
      inYears(facets.year[i]), !filters.statuses.size || filters.statuses.has(facets.status[i])];
    const failed = pass.filter((p) => !p).length;
    if (failed > 1) continue;
    if (!failed) results.push(i);
    // A case counts for a facet when it passes every other facet.
    const counted = (f) => !failed || !pass[f];
    if (counted(0)) {
      counts.districts[d]++;
      if (isArea[d]) counts.districts[wardOf[d]]++;
    }
    if (counted(1)) add(facets.schemes, counts.schemes, i);
    if (counted(2)) add(facets.themes, counts.themes, i);
    if (counted(3)) counts.years[facets.year[i]]++;
    if (counted(4)) counts.statuses[facets.status[i]]++;
  }
  return { results, counts };
}

/** Facet names in the URL state → the index's numbers. */
export function filtersOf(manifest, state) {
  const ids = (names, all) => new Set(names.map((n) => all.indexOf(n)).filter((i) => i >= 0));
  const districts = new Set(), tree = districtTree(manifest);
  for (const value of state.district) {
    const [wardName, areaName] = value.split('/');
    const ward = tree.find((w) => w.ward === wardName);
    const chosen = areaName == null ? ward : ward?.areas.find((a) => a.name === areaName);
    if (chosen) districts.add(chosen.id);
  }
  return {
    districts,
    schemes: ids(state.scheme, manifest.schemes),
    themes: ids(state.theme, manifest.themes),
    years: ids(state.year, manifest.years.map((y) => y.year)),
    statuses: ids(state.status, manifest.statuses),
    from: state.from,
    to: state.to,
  };
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

/**
 * The controls: a fieldset per facet, the ward → area tree, the year range.
 * Built once; `render` then sets counts and ticks from each search.
 * `change(changes)` receives state changes ({scheme: [...]}, {from: 2019}).
 */
export class FacetPanel {
  constructor(node, manifest, t, statusLabel, change) {
    this.node = node;
    this.controls = [];
    const clear = element('button', 'search-facets__clear', t.tClear);
    clear.type = 'button';
    clear.addEventListener('click', () => change({ district: [], scheme: [], theme: [], year: [], status: [], from: null, to: null }));
    node.append(clear);
    const checkbox = (param, value, label, key) => {
      const item = element('li', 'facet__item'), text = element('label', 'facet__label');
      const input = element('input'), count = element('span', 'facet__count');
      Object.assign(input, { type: 'checkbox', name: param, value: String(value) });
      text.append(input, element('span', 'facet__name', label), count);
      item.append(text);
      this.controls.push({ param, value: String(value), input, count, key });
      return item;
    };
    const fieldset = (legend, ...content) => {
      const set = element('fieldset', 'facet');
      set.append(element('legend', 'facet__legend', legend), ...content);
      node.append(set);
      return set;
    };
    const list = (items) => {
      const ul = element('ul', 'facet__list');
      ul.append(...items);
      return ul;
    };
    fieldset(t.tDistrict, list(districtTree(manifest).map((ward) => {
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
    fieldset(t.tSchemes, list(manifest.schemes.map((name, i) => checkbox('scheme', name, name, ['schemes', i]))));
    fieldset(t.tThemes, list(manifest.themes.map((name, i) => checkbox('theme', name, name, ['themes', i]))));
    const range = element('div', 'facet__range');
    range.append(element('p', 'facet__range-title', t.tYearRange));
    this.range = {};
    for (const [param, label] of [['from', t.tYearFrom], ['to', t.tYearTo]]) {
      const text = element('label', 'facet__range-label', label), select = element('select');
      text.htmlFor = select.id = `search-year-${param}`;
      select.name = param;
      select.append(new Option(t.tAny, ''), ...manifest.years.map((y) => new Option(y.label, String(y.year))));
      select.addEventListener('change', () => change({ [param]: select.value ? Number(select.value) : null }));
      this.range[param] = select;
      range.append(text, select);
    }
    fieldset(t.tFiscalYear, list(manifest.years.map((y, i) => checkbox('year', y.year, y.label, ['years', i]))), range);
    fieldset(t.tStatus, list(manifest.statuses.map((key, i) => checkbox('status', key, statusLabel(key), ['statuses', i]))));
    node.addEventListener('change', ({ target: input }) => {
      if (input.type !== 'checkbox') return;
      const values = new Set(this.state[input.name].map(String));
      if (input.checked) values.add(input.value); else values.delete(input.value);
      // Unticking a ward unticks its areas too.
      if (input.name === 'district' && !input.checked) {
        for (const v of values) if (v.startsWith(`${input.value}/`)) values.delete(v);
      }
      change({ [input.name]: [...values].map(input.name === 'year' ? Number : String) });
    });
  }

  render(counts, state) {
    this.state = state;
    for (const { param, value, input, count, key } of this.controls) {
      const n = counts[key[0]][key[1]];
      input.checked = state[param].map(String).includes(value);
      count.textContent = `(${n.toLocaleString()})`;
      input.closest('.facet__item').classList.toggle('facet__item--empty', n === 0 && !input.checked);
    }
    // A ward's areas show while the ward or one of its areas is chosen.
    for (const areas of this.node.querySelectorAll('.facet__list--areas')) {
      const ward = areas.dataset.ward;
      areas.hidden = !state.district.some((d) => d === ward || d.startsWith(`${ward}/`));
    }
    this.range.from.value = state.from ?? '';
    this.range.to.value = state.to ?? '';
  }
}
