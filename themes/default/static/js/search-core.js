// casebook search, the part without a page: normalization, the index reader,
// the query and the facet counts. The same rules as src/search/normalize.rs
// and src/search/query.rs (same names); tests/fixtures/search/vectors.json
// checks both sides. No DOM here, so Node runs it too.

/** A search file could not be fetched or read. */
export class SearchIndexError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'SearchIndexError';
  }
}

// ── Normalization ─────────────────────────────────────────────────────────

/** NFKC, lowercase, NFKC: full-width ＮＰＯ is npo, half-width ｶﾞ is ガ. */
export function normalize(text) {
  return text.normalize('NFKC').toLowerCase().normalize('NFKC');
}

/** Unicode White_Space, the list `is_separator` holds in Rust. */
const SEPARATOR = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;

/** The words of a query, normalized, without repeats, in the order typed. */
export function queryWords(query) {
  const words = [];
  for (const word of normalize(query).split(SEPARATOR)) {
    if (word && !words.includes(word)) words.push(word);
  }
  return words;
}

export const MAX_FORMS = 16;

/** Spelling variants: either form of a group finds both. */
export class Variants {
  /** @param {string[][]} groups already normalized (the manifest's `variants`) */
  constructor(groups) {
    this.groups = groups;
  }

  /** The forms of a normalized word, leftmost-longest variants replaced. */
  expand(word) {
    const chars = Array.from(word);
    const found = [];
    for (let i = 0; i < chars.length;) {
      let best = null;
      this.groups.forEach((group, g) => {
        for (const form of group) {
          const f = Array.from(form);
          const fits = i + f.length <= chars.length && f.every((c, k) => c === chars[i + k]);
          if (fits && (!best || f.length > best.length)) best = { length: f.length, group: g };
        }
      });
      if (best) {
        found.push({ start: i, ...best });
        i += best.length;
      } else {
        i += 1;
      }
    }
    let forms = [''];
    let at = 0;
    for (const { start, length, group } of found) {
      const before = chars.slice(at, start).join('');
      const own = chars.slice(start, start + length).join('');
      const alternatives = [own];
      if (forms.length * this.groups[group].length <= MAX_FORMS) {
        alternatives.push(...this.groups[group].filter((f) => f !== own));
      }
      forms = forms.flatMap((f) => alternatives.map((a) => f + before + a));
      at = start + length;
    }
    const rest = chars.slice(at).join('');
    return [...new Set(forms.map((f) => f + rest))];
  }
}

// ── Reading the files ─────────────────────────────────────────────────────

const SET_EMPTY = 0, SET_FULL = 1, SET_LIST = 2, SET_COMPLEMENT = 3, SET_BITMAP = 4;
export const TIER_TITLE = 3, TIER_SUMMARY = 2, TIER_REST = 1;

const utf8 = new TextDecoder();

class Bytes {
  constructor(data) {
    this.data = data;
    this.at = 0;
  }
  done() { return this.at >= this.data.length; }
  byte() {
    if (this.at >= this.data.length) throw new SearchIndexError('truncated search file');
    return this.data[this.at++];
  }
  varint() {
    let n = 0, scale = 1, b;
    do {
      b = this.byte();
      n += (b & 0x7f) * scale;
      scale *= 128;
    } while (b >= 0x80);
    return n;
  }
  take(n) {
    if (this.at + n > this.data.length) throw new SearchIndexError('truncated search file');
    const out = this.data.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  text(n) { return utf8.decode(this.take(n)); }
  gaps() {
    const count = this.varint();
    const out = new Uint32Array(count);
    let previous = -1;
    for (let i = 0; i < count; i++) {
      previous = previous + 1 + this.varint();
      out[i] = previous;
    }
    return out;
  }
  /** A subset of 0..universe, ascending. */
  set(universe) {
    const tag = this.byte();
    if (tag === SET_EMPTY) return new Uint32Array(0);
    if (tag === SET_FULL) return Uint32Array.from({ length: universe }, (_, i) => i);
    if (tag === SET_LIST) return this.gaps();
    if (tag === SET_COMPLEMENT) {
      const missing = this.gaps();
      const out = new Uint32Array(universe - missing.length);
      let m = 0, o = 0;
      for (let i = 0; i < universe; i++) {
        if (m < missing.length && missing[m] === i) m++;
        else out[o++] = i;
      }
      return out;
    }
    if (tag === SET_BITMAP) {
      const bits = this.take(Math.ceil(universe / 8));
      const out = [];
      for (let i = 0; i < universe; i++) if (bits[i >> 3] & (1 << (i & 7))) out.push(i);
      return Uint32Array.from(out);
    }
    throw new SearchIndexError(`unknown set tag ${tag}`);
  }
  context() {
    const header = this.varint();
    return { chars: Array.from(this.text(Math.floor(header / 2))), closed: header % 2 === 1 };
  }
}

const pick = (from, ranks) => ranks.map((r) => from[r]);

/** One gram file → Map(gram → {cases, title, summary, left?, right?}). */
export function parseGrams(data, cases) {
  const b = new Bytes(data);
  const out = new Map();
  let bigram = new Uint32Array(0);
  while (!b.done()) {
    const text = b.text(b.varint());
    const length = Array.from(text).length;
    const set = length === 3 ? pick(bigram, b.set(bigram.length)) : b.set(cases);
    const gram = { cases: set, title: pick(set, b.set(set.length)), summary: pick(set, b.set(set.length)) };
    if (length === 3) {
      gram.left = b.context();
      gram.right = b.context();
    }
    if (length === 2) bigram = set;
    out.set(text, gram);
  }
  return out;
}

/** Code point order, as Rust orders strings (JS compares UTF-16 units). */
export function compareCodePoints(a, b) {
  const x = Array.from(a), y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0) - y[i].codePointAt(0);
    if (d) return d;
  }
  return x.length - y.length;
}

/** The first two characters of a gram: the key that places it in a file. */
export const fileKey = (gram) => Array.from(gram).slice(0, 2).join('');

async function inflate(bytes) {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function facetColumns(data) {
  const b = new Bytes(data);
  const n = b.varint();
  const column = () => Uint16Array.from({ length: n }, () => b.varint());
  const district = column();
  const year = column();
  const status = Uint8Array.from(b.take(n));
  const lists = () => {
    const start = new Uint32Array(n + 1);
    const values = [];
    for (let i = 0; i < n; i++) {
      const count = b.varint();
      for (let k = 0; k < count; k++) values.push(b.varint());
      start[i + 1] = values.length;
    }
    return { start, values: Uint16Array.from(values) };
  };
  return { n, district, year, status, schemes: lists(), themes: lists() };
}

/** How a trigram's context compares with the part of a form beside it. */
function cover(context, wanted) {
  let common = 0;
  while (common < context.chars.length && common < wanted.length && context.chars[common] === wanted[common]) common++;
  if (common === wanted.length) return 'covers';
  if (common < context.chars.length || context.closed) return 'contradicts';
  return 'unknown';
}

/**
 * The written index of one site, read on demand. `load(url)` fetches the
 * manifest and the facet columns; each query then fetches only the gram files
 * its words need, and the display and text blocks of the cases it shows.
 */
export class SearchIndex {
  static async load(url, fetcher = globalThis.fetch.bind(globalThis)) {
    const base = url.endsWith('/') ? url : `${url}/`;
    const get = async (name) => {
      let response;
      try {
        response = await fetcher(`${base}${name}`);
      } catch (error) {
        throw new SearchIndexError(`cannot fetch ${name}`, { cause: error });
      }
      if (!response.ok) throw new SearchIndexError(`cannot fetch ${name}: HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    };
    let manifest;
    try {
      manifest = JSON.parse(utf8.decode(await get('index.json')));
    } catch (error) {
      throw error instanceof SearchIndexError ? error : new SearchIndexError('index.json is not valid', { cause: error });
    }
    const version = `?v=${manifest.version}`;
    const fetchFile = async (name) => inflate(await get(`${name}${version}`));
    return new SearchIndex(manifest, facetColumns(await fetchFile('facets.bin')), fetchFile);
  }

  constructor(manifest, facets, fetchFile) {
    this.manifest = manifest;
    this.facets = facets;
    this.fetchFile = fetchFile;
    this.variants = new Variants(manifest.variants);
    this.files = new Map();
    this.districts = districtTable(manifest.districts);
  }

  /** A file's parsed contents, fetched once (concurrent callers share it). */
  cached(name, parse) {
    if (!this.files.has(name)) {
      const promise = this.fetchFile(name).then(parse);
      promise.catch(() => this.files.delete(name));
      this.files.set(name, promise);
    }
    return this.files.get(name);
  }

  async gram(text) {
    const key = fileKey(text);
    const keys = this.manifest.gramFiles;
    let lo = 0, hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareCodePoints(keys[mid], key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return null;
    const grams = await this.cached(`g/${lo - 1}.bin`, (data) => parseGrams(data, this.manifest.cases));
    return grams.get(text) ?? null;
  }

  block(store, n) {
    return this.cached(`${store}/${n}.bin`, (data) => JSON.parse(utf8.decode(data)));
  }

  /** {path, title, summary} of a case, as written. */
  async display(i) {
    const d = this.manifest.displayBlock;
    const [path, title, summary] = (await this.block('d', Math.floor(i / d)))[i % d];
    return { path, title, summary };
  }

  /** The rest of a case's text (body, district, schemes, themes, partners). */
  async rest(i) {
    const t = this.manifest.textBlock;
    return (await this.block('t', Math.floor(i / t)))[i % t];
  }

  /** Cases holding a normalized form: a Uint8Array of tiers, 0 for none. */
  async form(form) {
    const tiers = new Uint8Array(this.manifest.cases);
    const chars = Array.from(form);
    const mark = (gram) => {
      gram.cases.forEach((c) => { tiers[c] = TIER_REST; });
      gram.summary.forEach((c) => { tiers[c] = TIER_SUMMARY; });
      gram.title.forEach((c) => { tiers[c] = TIER_TITLE; });
      return tiers;
    };
    if (chars.length <= 3) {
      const gram = await this.gram(form);
      return gram ? mark(gram) : tiers;
    }
    const context = this.manifest.context;
    let candidates = null;
    for (let i = 0; i + 3 <= chars.length; i++) {
      const right = chars.slice(i + 3);
      const left = chars.slice(0, i).reverse();
      const canSettle = left.length <= context && right.length <= context;
      if (!canSettle && candidates && i % 3 !== 0) continue;
      const gram = await this.gram(chars.slice(i, i + 3).join(''));
      if (!gram) return tiers;
      const l = cover(gram.left, left), r = cover(gram.right, right);
      if (l === 'contradicts' || r === 'contradicts') return tiers;
      if (l === 'covers' && r === 'covers') return mark(gram);
      if (!candidates) candidates = new Set(gram.cases);
      else {
        const next = new Set(gram.cases);
        candidates = new Set([...candidates].filter((c) => next.has(c)));
      }
    }
    // No trigram settles the form: check each candidate against its own text.
    await Promise.all([...candidates].map(async (c) => {
      const [{ title, summary }, rest] = await Promise.all([this.display(c), this.rest(c)]);
      if (normalize(title).includes(form)) tiers[c] = TIER_TITLE;
      else if (normalize(summary).includes(form)) tiers[c] = TIER_SUMMARY;
      else if (normalize(rest).includes(form)) tiers[c] = TIER_REST;
    }));
    return tiers;
  }

  /**
   * The cases matching `query`, best first: per word the best field of any
   * of its forms (title 3, summary 2, elsewhere 1), summed; then newest.
   * An empty query matches every case, newest first.
   * @returns {Promise<{cases: number[], words: string[], forms: string[][]}>}
   *          `forms[k]`: the forms searched for word k
   */
  async search(query) {
    const words = queryWords(query);
    const n = this.manifest.cases;
    const forms = words.map((word) => this.variants.expand(word));
    if (!words.length) return { cases: Array.from({ length: n }, (_, i) => i), words, forms };
    const perWord = await Promise.all(forms.map(async (wordForms) => {
      const best = new Uint8Array(n);
      for (const tiers of await Promise.all(wordForms.map((f) => this.form(f)))) {
        for (let i = 0; i < n; i++) if (tiers[i] > best[i]) best[i] = tiers[i];
      }
      return best;
    }));
    const score = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (const tiers of perWord) {
        if (!tiers[i]) { sum = 0; break; }
        sum += tiers[i];
      }
      score[i] = sum;
    }
    const cases = [];
    for (let i = 0; i < n; i++) if (score[i]) cases.push(i);
    cases.sort((a, b) => score[b] - score[a] || a - b);
    return { cases, words, forms };
  }
}

// ── Facets ────────────────────────────────────────────────────────────────

/** District ids as facets.bin numbers them: each ward, then its areas. */
function districtTable(wards) {
  const ward = [], area = [], ids = [];
  wards.forEach((w, wi) => {
    const wardId = ward.length;
    ids.push({ ward: w.name, id: wardId, areas: [] });
    ward.push(wi); area.push(-1);
    w.areas.forEach((name) => {
      ids[wi].areas.push({ name, id: ward.length });
      ward.push(wi); area.push(ward.length - 1);
    });
  });
  return { ward, area, tree: ids };
}

/**
 * Applies the filters to ranked matches and counts every facet value.
 * Counts are disjunctive: a facet's counts ignore that facet's own selection.
 * @param {SearchIndex} index
 * @param {number[]} ranked case numbers, best first
 * @param {{districts: Set<number>, schemes: Set<number>, themes: Set<number>,
 *          years: Set<number>, from: number|null, to: number|null, statuses: Set<number>}} filters
 *        district ids, scheme/theme/year/status indexes; from/to are years
 */
export function applyFacets(index, ranked, filters) {
  const { facets, manifest, districts } = index;
  const years = manifest.years.map((y) => y.year);
  const counts = {
    districts: new Uint32Array(districts.ward.length),
    schemes: new Uint32Array(manifest.schemes.length),
    themes: new Uint32Array(manifest.themes.length),
    years: new Uint32Array(years.length),
    statuses: new Uint32Array(manifest.statuses.length),
  };
  // A ward with some of its areas chosen is narrowed to those areas.
  const narrowed = new Set();
  for (const id of filters.districts) if (districts.area[id] >= 0) narrowed.add(districts.ward[id]);
  const passDistrict = (d) => {
    if (!filters.districts.size) return true;
    const ward = districts.ward[d];
    const wardId = districts.tree[ward].id;
    return filters.districts.has(d) && districts.area[d] >= 0
      || (filters.districts.has(wardId) && !narrowed.has(ward));
  };
  const passList = (list, chosen, i) => {
    if (!chosen.size) return true;
    for (let k = list.start[i]; k < list.start[i + 1]; k++) if (chosen.has(list.values[k])) return true;
    return false;
  };
  const passYear = (y) => (!filters.years.size || filters.years.has(y))
    && (filters.from == null || years[y] >= filters.from)
    && (filters.to == null || years[y] <= filters.to);
  const results = [];
  for (const i of ranked) {
    const d = facets.district[i];
    const pass = [
      passDistrict(d),
      passList(facets.schemes, filters.schemes, i),
      passList(facets.themes, filters.themes, i),
      passYear(facets.year[i]),
      !filters.statuses.size || filters.statuses.has(facets.status[i]),
    ];
    const failed = pass.filter((p) => !p).length;
    if (failed > 1) continue;
    if (failed === 0) results.push(i);
    const counts_ = (f) => failed === 0 || !pass[f];
    if (counts_(0)) {
      counts.districts[d]++;
      if (districts.area[d] >= 0) counts.districts[districts.tree[districts.ward[d]].id]++;
    }
    if (counts_(1)) for (let k = facets.schemes.start[i]; k < facets.schemes.start[i + 1]; k++) counts.schemes[facets.schemes.values[k]]++;
    if (counts_(2)) for (let k = facets.themes.start[i]; k < facets.themes.start[i + 1]; k++) counts.themes[facets.themes.values[k]]++;
    if (counts_(3)) counts.years[facets.year[i]]++;
    if (counts_(4)) counts.statuses[facets.status[i]]++;
  }
  return { results, counts };
}

// ── Highlighting ──────────────────────────────────────────────────────────

/** A base character and the marks that follow it (normalized together). */
const CLUSTER = /\P{M}[\p{M}\uff9e\uff9f]*|[\p{M}\uff9e\uff9f]+/gsu;

/**
 * Where any of `forms` (normalized) occurs in `text` (as written): sorted,
 * merged [start, end) ranges of `text`'s UTF-16 indexes.
 */
export function matchRanges(text, forms) {
  let normalized = '';
  const starts = [], ends = [];
  for (const m of text.matchAll(CLUSTER)) {
    const piece = normalize(m[0]);
    for (let k = 0; k < piece.length; k++) {
      starts.push(m.index);
      ends.push(m.index + m[0].length);
    }
    normalized += piece;
  }
  const ranges = [];
  for (const form of forms) {
    if (!form) continue;
    for (let at = normalized.indexOf(form); at >= 0; at = normalized.indexOf(form, at + 1)) {
      ranges.push([starts[at], ends[at + form.length - 1]]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  return merged;
}

/** Up to `before` and `after` characters around the first match of `forms`. */
export function excerpt(text, forms, before = 40, after = 80) {
  const flat = text.replace(/\s*\n\s*/g, ' ');
  const ranges = matchRanges(flat, forms);
  if (!ranges.length) return null;
  const [start, end] = ranges[0];
  const from = Math.max(0, start - before);
  const to = Math.min(flat.length, end + after);
  return {
    text: flat.slice(from, to),
    leading: from > 0,
    trailing: to < flat.length,
  };
}
