//! The catalogue checked against itself and against its plans (the registry tests of
//! DataFusion's function registry, here as functions the tests call, so that a wrong entry
//! can be shown to fail): ids unique; three titles and a definition of its own for every
//! indicator; dimensions from the vocabulary of `outputs.md`; every plan's output columns equal
//! to its declared dimensions, `value`, `flag` and `unit`; the declared sources equal to the
//! families the plan reads, found by planning without each family in turn.

use std::collections::{BTreeMap, BTreeSet};

use hestat_contract::vocabulary::DIMENSIONS;
use hestat_contract::Family;

use crate::catalogue::Indicator;
use crate::intermediate::Frames;
use crate::{planned, PlanError};

/// Problems of the entries as written: duplicate ids, missing titles, shared or empty
/// definitions, dimensions outside the vocabulary, no or repeated sources.
pub fn entry_problems(indicators: &[Indicator]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut ids = BTreeSet::new();
    let mut definitions: BTreeMap<&str, &str> = BTreeMap::new();
    for i in indicators {
        if !ids.insert(i.id) {
            problems.push(format!("{}: the id is used twice", i.id));
        }
        for (language, title) in [("English", i.title.en), ("Russian", i.title.ru), ("Kazakh", i.title.kk)] {
            if title.trim().is_empty() {
                problems.push(format!("{}: no {language} title", i.id));
            }
        }
        if i.definition.trim().is_empty() {
            problems.push(format!("{}: no definition", i.id));
        } else if let Some(other) = definitions.insert(&i.definition, i.id) {
            problems.push(format!("{}: the definition is the same as {other}'s", i.id));
        }
        for d in i.dimensions {
            if !DIMENSIONS.contains(d) {
                problems.push(format!("{}: dimension `{d}` is not in the vocabulary of outputs.md", i.id));
            }
        }
        let sources: BTreeSet<Family> = i.sources.iter().copied().collect();
        if sources.is_empty() || sources.len() != i.sources.len() {
            problems.push(format!("{}: sources must name each family it reads once", i.id));
        }
    }
    problems
}

/// Problems of the plans against their entries, on `frames` (a staging set where every family
/// is present): output columns other than [`Indicator::columns`], and declared sources other
/// than the families the plan reads.
pub fn plan_problems(indicators: &[Indicator], frames: &Frames) -> Vec<String> {
    let mut problems = Vec::new();
    for i in indicators {
        match planned(i, frames).and_then(|mut lf| Ok(lf.collect_schema()?)) {
            Ok(schema) => {
                let produced: Vec<&str> = schema.iter_names().map(|n| n.as_str()).collect();
                if produced != i.columns() {
                    problems.push(format!("{}: the plan's columns are {produced:?}, the entry declares {:?}", i.id, i.columns()));
                }
            }
            Err(e) => problems.push(format!("{}: cannot be planned on a complete staging set: {e}", i.id)),
        }
        let read: Vec<Family> = Family::ALL.into_iter().filter(|family| reads(i, frames, *family)).collect();
        let declared: BTreeSet<Family> = i.sources.iter().copied().collect();
        if read.iter().copied().collect::<BTreeSet<_>>() != declared {
            let names = |families: &mut dyn Iterator<Item = Family>| families.map(|f| f.name()).collect::<Vec<_>>().join(", ");
            problems.push(format!("{}: the plan reads [{}], the entry declares [{}]", i.id, names(&mut read.iter().copied()), names(&mut i.sources.iter().copied())));
        }
    }
    problems
}

/// Whether the plan reads `family`: planning without it fails for want of it.
fn reads(indicator: &Indicator, frames: &Frames, family: Family) -> bool {
    matches!((indicator.plan)(&frames.without(family)), Err(PlanError::MissingFamily { family: missing, .. }) if missing == family)
}
