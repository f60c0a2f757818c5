//! The inventory summary: for every component and ABO/Rh group, the units available,
//! reserved and quarantined, the available units expiring soon, and whether available stock
//! is below the minimum the rules set (an alert). Every pair is listed, so an empty shelf
//! shows up as zero rather than as a missing row.

use super::{
    groups::{BloodGroup, Component},
    rules::BloodRules,
    units::UnitStatus,
};

/// Units of one component, group and status, as the store counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StockCount {
    /// Component.
    pub component: Component,
    /// Group.
    pub blood_group: BloodGroup,
    /// Status.
    pub status: UnitStatus,
    /// Units.
    pub units: u64,
    /// Of which expire before the "expiring soon" horizon.
    pub expiring: u64,
}

/// One line of the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InventoryLine {
    /// Component.
    pub component: Component,
    /// Group.
    pub blood_group: BloodGroup,
    /// Units in stock and usable.
    pub available: u64,
    /// Units reserved for requests.
    pub reserved: u64,
    /// Units in quarantine.
    pub quarantined: u64,
    /// Available units expiring before the horizon.
    pub expiring_soon: u64,
    /// Minimum stock of available units.
    pub minimum: u32,
}

impl InventoryLine {
    /// Available stock is under the minimum.
    pub fn below_minimum(&self) -> bool {
        self.available < u64::from(self.minimum)
    }
}

/// One line per component and group (component order, then group order).
pub fn summarize(counts: &[StockCount], rules: &BloodRules) -> Vec<InventoryLine> {
    let mut lines = Vec::with_capacity(Component::ALL.len() * 8);
    for component in Component::ALL {
        for blood_group in BloodGroup::all() {
            let mut line = InventoryLine {
                component,
                blood_group,
                available: 0,
                reserved: 0,
                quarantined: 0,
                expiring_soon: 0,
                minimum: rules.minimum_stock(component, blood_group),
            };
            for count in counts.iter().filter(|c| c.component == component && c.blood_group == blood_group) {
                match count.status {
                    UnitStatus::Available => {
                        line.available += count.units;
                        line.expiring_soon += count.expiring;
                    }
                    UnitStatus::Reserved => line.reserved += count.units,
                    UnitStatus::Quarantined => line.quarantined += count.units,
                    _ => {}
                }
            }
            lines.push(line);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(text: &str) -> BloodGroup {
        BloodGroup::parse(text).unwrap()
    }

    #[test]
    fn every_pair_is_listed_and_counts_land_in_their_column() {
        let counts = [
            StockCount {
                component: Component::RedCells,
                blood_group: g("O-"),
                status: UnitStatus::Available,
                units: 12,
                expiring: 3,
            },
            StockCount {
                component: Component::RedCells,
                blood_group: g("O-"),
                status: UnitStatus::Reserved,
                units: 2,
                expiring: 2,
            },
            StockCount {
                component: Component::RedCells,
                blood_group: g("O-"),
                status: UnitStatus::Quarantined,
                units: 5,
                expiring: 0,
            },
            StockCount {
                component: Component::Plasma,
                blood_group: g("AB+"),
                status: UnitStatus::Available,
                units: 1,
                expiring: 0,
            },
        ];
        let lines = summarize(&counts, &BloodRules::default());
        assert_eq!(lines.len(), 40);
        let line =
            |c: Component, group: &str| *lines.iter().find(|l| l.component == c && l.blood_group == g(group)).unwrap();
        let o_neg = line(Component::RedCells, "O-");
        assert_eq!((o_neg.available, o_neg.reserved, o_neg.quarantined, o_neg.expiring_soon), (12, 2, 5, 3));
        assert!(!o_neg.below_minimum(), "12 of a minimum of 10");
        assert!(line(Component::Plasma, "AB+").below_minimum(), "1 of a minimum of 4");
        assert!(line(Component::RedCells, "A+").below_minimum());
        assert!(!line(Component::WholeBlood, "A+").below_minimum(), "no minimum for whole blood");
    }
}
