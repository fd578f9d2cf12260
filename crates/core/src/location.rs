crate::string_enum! {
    /// ORG-3: where a site lies relative to the company's resident engineers. `local`: a city with
    /// a resident engineer; `county`: a county of such a city; `remote`: anywhere else.
    #[derive(utoipa::ToSchema)]
    pub enum LocationClass {
        Local = "local",
        County = "county",
        Remote = "remote",
    }
}

impl LocationClass {
    /// ORG-3: `local` in a city with a station, `county` in one of that city's counties,
    /// `remote` anywhere else.
    pub fn derive(city_has_station: bool, in_county: bool) -> LocationClass {
        match (city_has_station, in_county) {
            (true, false) => LocationClass::Local,
            (true, true) => LocationClass::County,
            (false, _) => LocationClass::Remote,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_3_location_class_follows_the_station_cities() {
        assert_eq!(LocationClass::derive(true, false), LocationClass::Local);
        assert_eq!(LocationClass::derive(true, true), LocationClass::County);
        assert_eq!(LocationClass::derive(false, false), LocationClass::Remote);
        assert_eq!(LocationClass::derive(false, true), LocationClass::Remote);
        for c in [
            LocationClass::Local,
            LocationClass::County,
            LocationClass::Remote,
        ] {
            assert_eq!(LocationClass::parse(c.as_str()), Some(c));
        }
    }
}
