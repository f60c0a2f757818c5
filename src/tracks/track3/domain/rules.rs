//! The blood bank's rules as values: donor eligibility limits, minimum intervals between
//! donations, component shelf lives, the screening tests a unit needs before release, minimum
//! stock levels, the facility code of the unit numbers, how long an issued unit may stay out
//! of controlled storage and still be restocked, and who may receive RhD-positive red cells in
//! an emergency. [`BloodRules::default`] holds the defaults of issue 6, which are also the
//! defaults of the `[blood]` configuration section; [`BloodRules::from_settings`] applies a
//! clinic's own values, and every rule function takes the rules it applies.

use chrono::Duration;

use super::{
    donation::DonationType,
    donor::Sex,
    groups::{BloodGroup, Component},
    screening::ScreeningTest,
};

/// Minimum days between donations, by donation type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DonationIntervals {
    /// After or before whole blood (default 56).
    pub whole_blood: u32,
    /// After or before double red cells by apheresis (default 112).
    pub double_red_cells: u32,
    /// After or before plasma by apheresis (default 28).
    pub plasma: u32,
    /// After or before platelets by apheresis (default 7).
    pub platelets: u32,
}

/// Shelf life of each component, in days from collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShelfLives {
    /// Whole blood (default 35 days, CPDA-1).
    pub whole_blood: u32,
    /// Red cells in additive solution (default 42 days).
    pub red_cells: u32,
    /// Frozen plasma (default 365 days).
    pub plasma: u32,
    /// Platelets at 20–24 °C (default 5 days).
    pub platelets: u32,
    /// Frozen cryoprecipitate (default 365 days).
    pub cryoprecipitate: u32,
}

/// Every rule the blood bank applies, with issue 6's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct BloodRules {
    /// Youngest donor age in whole years (default 18).
    pub min_age_years: u32,
    /// Oldest donor age in whole years (default 65, inclusive).
    pub max_age_years: u32,
    /// Lightest donor weight (default 50 kg).
    pub min_weight_kg: f64,
    /// Lowest hemoglobin of a female donor (default 12.5 g/dL).
    pub min_hemoglobin_female_gdl: f64,
    /// Lowest hemoglobin of a male donor (default 13.0 g/dL).
    pub min_hemoglobin_male_gdl: f64,
    /// Minimum intervals between donations.
    pub intervals: DonationIntervals,
    /// Component shelf lives.
    pub shelf_lives: ShelfLives,
    /// Screening tests that must all be recorded negative before a unit is released.
    pub required_tests: Vec<ScreeningTest>,
    /// Minimum stock by component (rows, in [`Component::ALL`] order) and blood group
    /// (columns, in [`BloodGroup::all`] order: O−, O+, A−, A+, B−, B+, AB−, AB+).
    pub minimum_stock: [[u32; 8]; 5],
    /// ISBT 128 facility identification number of this blood bank (a letter and 4 digits),
    /// the first part of every donation number it assigns.
    pub facility_code: String,
    /// Minutes an issued unit may spend out of controlled storage and still go back into
    /// stock when returned unused (default 30, the "30-minute rule").
    pub return_window_minutes: u32,
    /// Youngest age at which a woman whose blood group is unknown may receive RhD-positive
    /// red cells in an emergency (default 50: past child-bearing age, so anti-D
    /// sensitisation no longer threatens a future pregnancy). Men may at any age.
    pub emergency_rh_positive_female_min_age: u32,
}

impl Default for BloodRules {
    fn default() -> Self {
        Self {
            min_age_years: 18,
            max_age_years: 65,
            min_weight_kg: 50.0,
            min_hemoglobin_female_gdl: 12.5,
            min_hemoglobin_male_gdl: 13.0,
            intervals: DonationIntervals { whole_blood: 56, double_red_cells: 112, plasma: 28, platelets: 7 },
            shelf_lives: ShelfLives { whole_blood: 35, red_cells: 42, plasma: 365, platelets: 5, cryoprecipitate: 365 },
            required_tests: ScreeningTest::ALL.to_vec(),
            minimum_stock: [
                // whole blood is rarely stocked: no minimum
                [0, 0, 0, 0, 0, 0, 0, 0],
                // red cells, weighted by how common each group is and O− as the emergency stock
                [10, 20, 5, 15, 3, 8, 2, 4],
                // plasma: AB is the universal plasma donor
                [4, 6, 4, 6, 2, 4, 3, 4],
                // platelets
                [2, 4, 2, 4, 1, 2, 1, 2],
                // cryoprecipitate
                [2, 2, 2, 2, 1, 1, 1, 1],
            ],
            facility_code: "A9999".into(),
            return_window_minutes: 30,
            emergency_rh_positive_female_min_age: 50,
        }
    }
}

impl BloodRules {
    /// The rules of the `[blood]` configuration section; fails naming an unknown screening test.
    pub fn from_settings(settings: &crate::config::BloodSettings) -> Result<Self, String> {
        let required_tests = settings
            .required_tests
            .iter()
            .map(|t| ScreeningTest::parse(t).ok_or_else(|| format!("blood.required_tests: unknown test `{t}`")))
            .collect::<Result<Vec<_>, _>>()?;
        let (intervals, shelf, stock) =
            (settings.donation_interval_days, settings.shelf_life_days, settings.minimum_stock);
        Ok(Self {
            min_age_years: settings.min_age_years,
            max_age_years: settings.max_age_years,
            min_weight_kg: settings.min_weight_kg,
            min_hemoglobin_female_gdl: settings.min_hemoglobin_female_gdl,
            min_hemoglobin_male_gdl: settings.min_hemoglobin_male_gdl,
            intervals: DonationIntervals {
                whole_blood: intervals.whole_blood,
                double_red_cells: intervals.double_red_cells,
                plasma: intervals.plasma,
                platelets: intervals.platelets,
            },
            shelf_lives: ShelfLives {
                whole_blood: shelf.whole_blood,
                red_cells: shelf.red_cells,
                plasma: shelf.plasma,
                platelets: shelf.platelets,
                cryoprecipitate: shelf.cryoprecipitate,
            },
            required_tests,
            // Rows in `Component::ALL` order.
            minimum_stock: [stock.whole_blood, stock.red_cells, stock.plasma, stock.platelets, stock.cryoprecipitate],
            facility_code: settings.facility_code.clone(),
            return_window_minutes: settings.return_window_minutes,
            emergency_rh_positive_female_min_age: settings.emergency_rh_positive_female_min_age,
        })
    }

    /// Minimum days between a donation of `kind` and the next one.
    pub fn interval_days(&self, kind: DonationType) -> u32 {
        match kind {
            DonationType::WholeBlood => self.intervals.whole_blood,
            DonationType::DoubleRedCells => self.intervals.double_red_cells,
            DonationType::Plasma => self.intervals.plasma,
            DonationType::Platelets => self.intervals.platelets,
        }
    }

    /// Days a donation of `previous` keeps a donor from giving `next`: the longer of the two
    /// types' intervals, so the rule protects both the donor's recovery from the last
    /// donation and the frequency limit of the next one.
    pub fn days_between(&self, previous: DonationType, next: DonationType) -> u32 {
        self.interval_days(previous).max(self.interval_days(next))
    }

    /// Shelf life of `component`.
    pub fn shelf_life(&self, component: Component) -> Duration {
        let days = match component {
            Component::WholeBlood => self.shelf_lives.whole_blood,
            Component::RedCells => self.shelf_lives.red_cells,
            Component::Plasma => self.shelf_lives.plasma,
            Component::Platelets => self.shelf_lives.platelets,
            Component::Cryoprecipitate => self.shelf_lives.cryoprecipitate,
        };
        Duration::days(i64::from(days))
    }

    /// Lowest hemoglobin a donor of `sex` may donate with, in g/dL.
    pub fn min_hemoglobin(&self, sex: Sex) -> f64 {
        match sex {
            Sex::Female => self.min_hemoglobin_female_gdl,
            Sex::Male => self.min_hemoglobin_male_gdl,
        }
    }

    /// Minimum stock of `component` in `group`.
    pub fn minimum_stock(&self, component: Component, group: BloodGroup) -> u32 {
        self.minimum_stock[component.index()][group.index()]
    }

    /// How long an issued unit may be out and still be restocked.
    pub fn return_window(&self) -> Duration {
        Duration::minutes(i64::from(self.return_window_minutes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_issue_values() {
        let rules = BloodRules::default();
        let days = |c| rules.shelf_life(c).num_days();
        assert_eq!(days(Component::RedCells), 42);
        assert_eq!(days(Component::WholeBlood), 35);
        assert_eq!(days(Component::Platelets), 5);
        assert_eq!(days(Component::Plasma), 365);
        assert_eq!(days(Component::Cryoprecipitate), 365);
        assert_eq!(rules.interval_days(DonationType::WholeBlood), 56);
        assert_eq!(rules.interval_days(DonationType::DoubleRedCells), 112);
        assert_eq!(rules.interval_days(DonationType::Plasma), 28);
        assert_eq!(rules.interval_days(DonationType::Platelets), 7);
        assert!((rules.min_hemoglobin(Sex::Female) - 12.5).abs() < f64::EPSILON);
        assert!((rules.min_hemoglobin(Sex::Male) - 13.0).abs() < f64::EPSILON);
        assert_eq!(rules.required_tests.len(), 5);
        assert_eq!(rules.return_window(), Duration::minutes(30));
        assert_eq!(rules.emergency_rh_positive_female_min_age, 50);
    }

    #[test]
    fn the_longer_interval_of_two_types_applies() {
        let rules = BloodRules::default();
        assert_eq!(rules.days_between(DonationType::Platelets, DonationType::Platelets), 7);
        assert_eq!(rules.days_between(DonationType::Platelets, DonationType::WholeBlood), 56);
        assert_eq!(rules.days_between(DonationType::DoubleRedCells, DonationType::Plasma), 112);
    }

    #[test]
    fn the_shipped_configuration_is_the_default_rule_set() {
        let settings = crate::config::Settings::load_from(std::path::Path::new("no-such-dir"), []).unwrap();
        assert_eq!(BloodRules::from_settings(&settings.blood).unwrap(), BloodRules::default());
    }

    #[test]
    fn minimum_stock_comes_from_the_configuration() {
        let mut blood = crate::config::Settings::load_from(std::path::Path::new("no-such-dir"), []).unwrap().blood;
        blood.minimum_stock.platelets = [9, 8, 7, 6, 5, 4, 3, 2];
        let rules = BloodRules::from_settings(&blood).unwrap();
        let group = |t| BloodGroup::parse(t).unwrap();
        assert_eq!(rules.minimum_stock(Component::Platelets, group("O-")), 9);
        assert_eq!(rules.minimum_stock(Component::Platelets, group("AB+")), 2);
        assert_eq!(rules.minimum_stock(Component::RedCells, group("O-")), 10);
    }

    #[test]
    fn minimum_stock_is_looked_up_by_component_and_group() {
        let rules = BloodRules::default();
        let group = |t| BloodGroup::parse(t).unwrap();
        assert_eq!(rules.minimum_stock(Component::RedCells, group("O-")), 10);
        assert_eq!(rules.minimum_stock(Component::RedCells, group("AB+")), 4);
        assert_eq!(rules.minimum_stock(Component::WholeBlood, group("O-")), 0);
    }
}
