//! Stats: `&Site` → how many cases each ward, area, funding scheme, fiscal
//! year, status and theme has, what each scheme granted, and outcome totals.
//!
//! 1. Pick the cases of a [`Scope`]: the whole site for `/stats/`, or a ward's,
//!    an area's or a scheme's for that page.
//! 2. Count them ([`Counts::of`]).
//!
//! Only numbers: `render::charts` writes them as table rows and draws the
//! bar charts, in the page's language.

use crate::content::schema::Status;
use crate::model::Site;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The cases a set of charts describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Site,
    Ward(usize),
    /// Ward index, area index within it.
    Area(usize, usize),
    Scheme(usize),
}

impl Scope {
    pub fn cases(self, site: &Site) -> Vec<usize> {
        match self {
            Scope::Site => (0..site.cases.len()).collect(),
            Scope::Ward(w) => site.wards[w].cases.clone(),
            Scope::Area(w, a) => site.wards[w].areas[a].cases.clone(),
            Scope::Scheme(s) => site.schemes[s].cases.clone(),
        }
    }

    /// The cases whose figures count: a made-up example (`illustrative`,
    /// SPEC §5.5) is listed with the others but never added into a total
    /// the city publishes; the summary says how many were left out.
    pub fn counted_cases(self, site: &Site) -> Vec<usize> {
        let mut cases = self.cases(site);
        cases.retain(|&c| !site.cases[c].entry.meta.illustrative);
        cases
    }

    /// How many made-up examples the scope holds, left out of its figures.
    pub fn illustrative_count(self, site: &Site) -> usize {
        let cases = self.cases(site);
        cases
            .iter()
            .filter(|&&c| site.cases[c].entry.meta.illustrative)
            .count()
    }
}

/// What one scheme granted to the cases of a scope.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemeTotals {
    pub cases: usize,
    pub grants: usize,
    /// Grants that state their amount; with none, the total is unknown.
    pub grants_with_amount: usize,
    pub total: u64,
}

/// The sum of one outcome (`label` in `unit`) over the cases that report it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeTotal {
    pub label: String,
    pub unit: Option<String>,
    pub total: f64,
    pub cases: usize,
}

/// The counts of a set of cases, indexed like the site's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Counts {
    pub cases: usize,
    pub wards: Vec<usize>,
    /// Per ward, per area.
    pub areas: Vec<Vec<usize>>,
    pub schemes: Vec<SchemeTotals>,
    pub fiscal_years: BTreeMap<i32, usize>,
    /// In the order of [`Status::ALL`].
    pub statuses: [usize; 3],
    pub themes: Vec<usize>,
    /// Sorted by label, then unit.
    pub outcomes: Vec<OutcomeTotal>,
}

impl Counts {
    pub fn of(site: &Site, cases: &[usize]) -> Counts {
        let scheme_index: HashMap<&str, usize> = site
            .schemes
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.as_str(), i))
            .collect();
        let mut counts = Counts {
            cases: cases.len(),
            wards: vec![0; site.wards.len()],
            areas: site.wards.iter().map(|w| vec![0; w.areas.len()]).collect(),
            schemes: vec![SchemeTotals::default(); site.schemes.len()],
            fiscal_years: BTreeMap::new(),
            statuses: [0; 3],
            themes: vec![0; site.themes.len()],
            outcomes: Vec::new(),
        };
        let mut outcomes: BTreeMap<(String, Option<String>), (f64, BTreeSet<usize>)> =
            BTreeMap::new();
        for &c in cases {
            let case = &site.cases[c];
            let meta = &case.entry.meta;
            counts.wards[case.ward] += 1;
            if let Some(a) = case.area {
                counts.areas[case.ward][a] += 1;
            }
            let mut schemes_of_case = BTreeSet::new();
            for grant in &meta.funding {
                let Some(&s) = scheme_index.get(grant.scheme.as_str()) else {
                    continue;
                };
                let totals = &mut counts.schemes[s];
                totals.grants += 1;
                if let Some(amount) = grant.amount {
                    totals.grants_with_amount += 1;
                    totals.total = totals.total.saturating_add(amount);
                }
                if schemes_of_case.insert(s) {
                    totals.cases += 1;
                }
            }
            *counts.fiscal_years.entry(case.fiscal_year).or_default() += 1;
            let status = Status::ALL.iter().position(|&s| s == meta.status);
            counts.statuses[status.unwrap_or(0)] += 1;
            for &t in &case.themes {
                counts.themes[t] += 1;
            }
            for outcome in &meta.outcomes {
                let entry = outcomes
                    .entry((outcome.label.clone(), outcome.unit.clone()))
                    .or_default();
                entry.0 += outcome.value;
                entry.1.insert(c);
            }
        }
        counts.outcomes = outcomes
            .into_iter()
            .map(|((label, unit), (total, cases))| OutcomeTotal {
                label,
                unit,
                // Sums of decimals such as 0.1 + 0.2 are rounded back to what
                // a person would write.
                total: (total * 1e6).round() / 1e6,
                cases: cases.len(),
            })
            .collect();
        counts
    }
}
