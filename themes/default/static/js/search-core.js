// casebook search without a page: normalization, the index reader, the query
// and the facet counts; the rules of src/search/{normalize,query}.rs, same
// names. tests/fixtures/search/vectors.json checks both sides. No DOM here.

/** A search file could not be fetched or read. */
export class SearchIndexError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'SearchIndexError';
  }
}

// ── Normalization ────────────────────────────────────────────────────────

/** NFKC, lowercase, NFKC: full-width ＮＰＯ is npo, half-width ｶﾞ is ガ. */
export const normalize = (text) => text.normalize('NFKC').toLowerCase().normalize('NFKC');

/** Unicode White_Space, as `is_separator` in Rust. */
const SEPARATOR = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;

/** The words of a query, normalized, without repeats, in the order typed. */
export const queryWords = (query) => [...new Set(normalize(query).split(SEPARATOR).filter(Boolean))];

export const MAX_FORMS = 16;

/** Spelling variants: either form of a group finds both. */
export class Variants {
  /** @param {string[][]} groups normalized (the manifest's `variants`) */
  constructor(groups) {
    this.groups = groups.map((g) => g.map((f) => Array.from(f)));
  }

  /** The forms of a normalized word, each leftmost-longest variant replaced. */
  expand(word) {
    const chars = Array.from(word);
    let forms = [''], at = 0;
    for (let i = 0; i < chars.length;) {
      let best = null;
      for (const group of this.groups) {
        for (const form of group) {
          const fits = form.every((c, k) => c === chars[i + k]);
          if (fits && (!best || form.length > best.form.length)) best = { form, group };
        }
      }
      if (!best) { i += 1; continue; }
      const before = chars.slice(at, i).join('');
      const own = best.form.join('');
      const alternatives = [own];
      if (forms.length * best.group.length <= MAX_FORMS) {
        alternatives.push(...best.group.map((f) => f.join('')).filter((f) => f !== own));
      }
      forms = forms.flatMap((f) => alternatives.map((a) => f + before + a));
      i += best.form.length;
      at = i;
    }
    const rest = chars.slice(at).join('');
    return [...new Set(forms.map((f) => f + rest))];
  }
}

// ── Reading the files (formats: src/search/shard.rs) ────────────────────

const SET_EMPTY = 0, SET_FULL = 1, SET_RICE = 2, SET_RICE_COMPLEMENT = 3, SET_BITMAP = 4;
export const TIER_TITLE = 3, TIER_SUMMARY = 2, TIER_REST = 1;
const utf8 = new TextDecoder();

const truncated = () => new SearchIndexError('truncated search file');

export class Bytes {
  constructor(data) { this.data = data; this.at = 0; }
  done() { return this.at >= this.data.length; }
  byte() {
    if (this.at >= this.data.length) throw truncated();
    return this.data[this.at++];
  }
  varint() {
    let n = 0, scale = 1, b;
    do { b = this.byte(); n += (b & 0x7f) * scale; scale *= 128; } while (b >= 0x80);
    return n;
  }
  take(n) {
    if (this.at + n > this.data.length) throw truncated();
    return this.data.subarray(this.at, (this.at += n));
  }
  text(n) { return utf8.decode(this.take(n)); }
  /** `count` Rice-coded gaps (parameter `b`), least significant bit first. */
  rice(b, count) {
    const out = new Uint32Array(count);
    let byte = 0, used = 8, previous = -1;
    const bit = () => {
      if (used === 8) { byte = this.byte(); used = 0; }
      return (byte >> used++) & 1;
    };
    for (let i = 0; i < count; i++) {
      let gap = 0;
      while (bit()) gap++;
      let low = 0;
      for (let k = 0; k < b; k++) low |= bit() << k;
      previous += 1 + gap * 2 ** b + low;
      out[i] = previous;
    }
    return out;
  }
  /** A subset of 0..universe, ascending. */
  set(universe) {
    const tag = this.byte(), kind = tag & 7, b = tag >> 3;
    if (kind === SET_EMPTY) return new Uint32Array(0);
    if (kind === SET_FULL) return Uint32Array.from({ length: universe }, (_, i) => i);
    if (kind === SET_RICE) return this.rice(b, this.varint());
    if (kind === SET_RICE_COMPLEMENT) {
      const missing = this.rice(b, this.varint());
      const out = new Uint32Array(universe - missing.length);
      for (let i = 0, m = 0, o = 0; i < universe; i++) {
        if (missing[m] === i) m++; else out[o++] = i;
      }
      return out;
    }
    if (kind === SET_BITMAP) {
      const bits = this.take(Math.ceil(universe / 8)), out = [];
      for (let i = 0; i < universe; i++) if (bits[i >> 3] & (1 << (i & 7))) out.push(i);
      return Uint32Array.from(out);
    }
    throw new SearchIndexError(`unknown set kind ${kind}`);
  }
  context() {
    const header = this.varint();
    return { chars: Array.from(this.text(Math.floor(header / 2))), closed: header % 2 === 1 };
  }
}

/**
 * One gram file → `get(gram)` → {cases, title, summary, left?, right?}. The
 * file is only skimmed for where each gram is; a gram is decoded when asked.
 */
export function parseGrams(data, cases) {
  const b = new Bytes(data), at = new Map(), decoded = new Map();
  while (!b.done()) {
    const text = b.text(b.varint()), length = b.varint();
    at.set(text, b.at);
    b.take(length);
  }
  const get = (text) => {
    if (!at.has(text)) return null;
    if (decoded.has(text)) return decoded.get(text);
    const e = new Bytes(data), trigram = Array.from(text).length === 3;
    e.at = at.get(text);
    // A trigram's cases are ranks within its two-character prefix's.
    const bigram = trigram ? get(fileKey(text)).cases : null;
    const set = trigram ? e.set(bigram.length).map((r) => bigram[r]) : e.set(cases);
    const gram = { cases: set, title: e.set(set.length).map((r) => set[r]), summary: e.set(set.length).map((r) => set[r]) };
    if (trigram) { gram.left = e.context(); gram.right = e.context(); }
    decoded.set(text, gram);
    return gram;
  };
  return { get };
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

/**
 * Whether this browser can read the index: its files are gzip, unpacked by
 * DecompressionStream. Without it the page keeps its plain form.
 */
export const canSearch = () => typeof globalThis.DecompressionStream === 'function';

async function inflate(bytes) {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  if (!canSearch()) throw new SearchIndexError('this browser cannot unpack the search index (no DecompressionStream)');
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** How a trigram's context compares with the part of a form beside it. */
function cover(context, wanted) {
  let k = 0;
  while (k < context.chars.length && k < wanted.length && context.chars[k] === wanted[k]) k++;
  if (k === wanted.length) return 'covers';
  return k < context.chars.length || context.closed ? 'contradicts' : 'unknown';
}

/**
 * The written index of one site, read on demand: `load(url)` fetches the
 * manifest; each query then fetches only the gram files its words need, and
 * the display and text blocks of the cases it shows. Facets (facets.bin) come
 * from search-facets.js, only to filter or count.
 */
export class SearchIndex {
  static async load(url, fetcher = globalThis.fetch.bind(globalThis)) {
    const base = url.endsWith('/') ? url : `${url}/`;
    const get = async (name, init) => {
      let response;
      try {
        response = await fetcher(`${base}${name}`, init);
      } catch (error) {
        throw new SearchIndexError(`cannot fetch ${name}`, { cause: error });
      }
      if (!response.ok) throw new SearchIndexError(`cannot fetch ${name}: HTTP ${response.status}`);
      return inflate(new Uint8Array(await response.arrayBuffer()));
    };
    let manifest;
    try {
      // Revalidated each time: it names the version of every other file.
      manifest = JSON.parse(utf8.decode(await get('manifest.bin', { cache: 'no-cache' })));
    } catch (error) {
      throw error instanceof SearchIndexError ? error : new SearchIndexError('manifest.bin is not valid', { cause: error });
    }
    return new SearchIndex(manifest, (name) => get(`${name}?v=${manifest.version}`));
  }

  constructor(manifest, fetchFile) {
    this.manifest = manifest;
    this.fetchFile = fetchFile;
    this.variants = new Variants(manifest.variants);
    this.files = new Map();
    // District ids as the index numbers them: each ward, then its areas.
    this.districts = manifest.districts.flatMap((w) => [{ ward: w.name }, ...w.areas.map((area) => ({ ward: w.name, area }))]);
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
    const key = fileKey(text), keys = this.manifest.gramFiles;
    let lo = 0, hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareCodePoints(keys[mid], key) <= 0) lo = mid + 1; else hi = mid;
    }
    if (lo === 0) return null;
    const grams = await this.cached(`g/${lo - 1}.bin`, (data) => parseGrams(data, this.manifest.cases));
    return grams.get(text);
  }

  block(store, n) {
    return this.cached(`${store}/${n}.bin`, (data) => JSON.parse(utf8.decode(data)));
  }

  /** {path, title, summary, district, year, status, illustrative} of a
   *  case: text as written, the others as the index numbers them. A made-up
   *  example's row ends in a 1 (SPEC §5.5). */
  async display(i) {
    const d = this.manifest.displayBlock;
    const [path, title, summary, district, year, status, illustrative] = (await this.block('d', Math.floor(i / d)))[i % d];
    return { path, title, summary, district, year, status, illustrative: illustrative === 1 };
  }

  /** The rest of a case's text (body, district, schemes, themes, partners). */
  async rest(i) {
    const t = this.manifest.textBlock;
    return (await this.block('t', Math.floor(i / t)))[i % t];
  }

  /** Cases holding a normalized form: per case its tier, 0 for none. */
  async form(form) {
    const tiers = new Uint8Array(this.manifest.cases), chars = Array.from(form);
    const mark = (gram) => {
      for (const [set, tier] of [[gram.cases, TIER_REST], [gram.summary, TIER_SUMMARY], [gram.title, TIER_TITLE]]) {
        for (const c of set) tiers[c] = tier;
      }
      return tiers;
    };
    if (chars.length <= 3) {
      const gram = await this.gram(form);
      return gram ? mark(gram) : tiers;
    }
    // A trigram whose forced contexts cover the form settles it (query.rs).
    const context = this.manifest.context;
    let candidates = null;
    for (let i = 0; i + 3 <= chars.length; i++) {
      const right = chars.slice(i + 3), left = chars.slice(0, i).reverse();
      if ((left.length > context || right.length > context) && candidates && i % 3) continue;
      const gram = await this.gram(chars.slice(i, i + 3).join(''));
      if (!gram) return tiers;
      const l = cover(gram.left, left), r = cover(gram.right, right);
      if (l === 'contradicts' || r === 'contradicts') return tiers;
      if (l === 'covers' && r === 'covers') return mark(gram);
      const next = new Set(gram.cases);
      candidates = candidates ? new Set([...candidates].filter((c) => next.has(c))) : next;
    }
    // No trigram settles it: check each candidate against its own text.
    await Promise.all([...candidates].map(async (c) => {
      const [{ title, summary }, rest] = await Promise.all([this.display(c), this.rest(c)]);
      const tier = [title, summary, rest].findIndex((f) => normalize(f).includes(form));
      if (tier >= 0) tiers[c] = 3 - tier;
    }));
    return tiers;
  }

  /**
   * The cases matching `query`, best first: per word the best field of any
   * of its forms (title 3, summary 2, elsewhere 1), summed; then newest.
   * An empty query matches every case, newest first.
   * @returns {Promise<{cases: number[], words: string[], forms: string[][]}>}
   *   `forms[k]`: the forms searched for word k
   */
  async search(query) {
    const words = queryWords(query), n = this.manifest.cases;
    const forms = words.map((word) => this.variants.expand(word));
    const score = new Uint16Array(n).fill(words.length ? 0 : 1);
    const perWord = await Promise.all(forms.map(async (wordForms) => {
      const best = new Uint8Array(n);
      for (const tiers of await Promise.all(wordForms.map((f) => this.form(f)))) {
        for (let i = 0; i < n; i++) if (tiers[i] > best[i]) best[i] = tiers[i];
      }
      return best;
    }));
    for (let i = 0; i < n && words.length; i++) {
      let sum = 0;
      for (const tiers of perWord) { if (!tiers[i]) { sum = 0; break; } sum += tiers[i]; }
      score[i] = sum;
    }
    const cases = [];
    for (let i = 0; i < n; i++) if (score[i]) cases.push(i);
    cases.sort((a, b) => score[b] - score[a] || a - b);
    return { cases, words, forms };
  }
}

// ── Highlighting ─────────────────────────────────────────────────────────

/** A base character and the marks after it (normalized together). */
const CLUSTER = /\P{M}[\p{M}\uff9e\uff9f]*|[\p{M}\uff9e\uff9f]+/gsu;

/** Where any of `forms` (normalized) occurs in `text`: merged [start, end) ranges. */
export function matchRanges(text, forms) {
  let normalized = '';
  const starts = [], ends = [];
  for (const m of text.matchAll(CLUSTER)) {
    const piece = normalize(m[0]);
    for (let k = 0; k < piece.length; k++) { starts.push(m.index); ends.push(m.index + m[0].length); }
    normalized += piece;
  }
  const ranges = [];
  for (const form of forms.filter(Boolean)) {
    for (let at = normalized.indexOf(form); at >= 0; at = normalized.indexOf(form, at + 1)) {
      ranges.push([starts[at], ends[at + form.length - 1]]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]); else merged.push(r);
  }
  return merged;
}

/** About `before` and `after` characters around the first match of `forms`. */
export function excerpt(text, forms, before = 40, after = 80) {
  const flat = text.replace(/\s*\n\s*/g, ' ');
  const first = matchRanges(flat, forms)[0];
  if (!first) return null;
  // Never cut a surrogate pair in two.
  const edge = (i) => (/[\udc00-\udfff]/.test(flat[i] ?? '') ? i - 1 : i);
  const from = Math.max(0, edge(first[0] - before)), to = Math.min(flat.length, edge(first[1] + after));
  return { text: flat.slice(from, to), leading: from > 0, trailing: to < flat.length };
}
