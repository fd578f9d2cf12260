//! Table definitions shared by both backends (hand-written: `diesel print-schema` would
//! differ per backend, and the migrations are kept equal by a test instead).

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        display_name -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        kind -> Text,
        password_hash -> Nullable<Text>,
        disabled -> Bool,
        must_change_password -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    user_roles (user_id, role) {
        user_id -> Text,
        role -> Text,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        user_id -> Text,
        family_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        user_id -> Text,
        name -> Text,
        prefix -> Text,
        key_hash -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_throttle (throttle_key) {
        throttle_key -> Text,
        failures -> BigInt,
        window_started_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (seq) {
        seq -> BigInt,
        id -> Text,
        occurred_at -> Timestamp,
        actor_id -> Nullable<Text>,
        action -> Text,
        entity_type -> Text,
        entity_id -> Text,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
        request_id -> Nullable<Text>,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_head (id) {
        id -> Integer,
        seq -> BigInt,
        hash -> Text,
    }
}

diesel::table! {
    idempotency_keys (actor_id, idem_key) {
        actor_id -> Text,
        idem_key -> Text,
        method -> Text,
        path -> Text,
        request_hash -> Text,
        status_code -> Nullable<BigInt>,
        response_body -> Nullable<Text>,
        response_headers -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(api_keys -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(users, user_roles, refresh_tokens, api_keys);
diesel::joinable!(rule_versions -> rule_sets (rule_key));
diesel::allow_tables_to_appear_in_same_query!(rule_sets, rule_versions);

diesel::table! {
    rule_sets (rule_key) {
        rule_key -> Text,
        version -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    rule_versions (rule_key, effective_from) {
        rule_key -> Text,
        effective_from -> Date,
        value_json -> Text,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        created_by -> Nullable<Text>,
    }
}

diesel::table! {
    cities (id) {
        id -> Text,
        name -> Text,
        province -> Text,
        has_station -> Bool,
        counties -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    teams (id) {
        id -> Text,
        name -> Text,
        supervisor_user_id -> Nullable<Text>,
        station_city -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    employees (id) {
        id -> Text,
        user_id -> Nullable<Text>,
        name -> Text,
        phone -> Nullable<Text>,
        team_id -> Nullable<Text>,
        supervisor_user_id -> Nullable<Text>,
        track -> Nullable<Text>,
        level -> Nullable<Text>,
        station_city -> Nullable<Text>,
        employment_status -> Text,
        status_since -> Date,
        base_salary_fen -> BigInt,
        phone_allowance_class -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    employment_events (id) {
        id -> Text,
        employee_id -> Text,
        status -> Text,
        effective_on -> Date,
        note -> Nullable<Text>,
        recorded_at -> Timestamp,
        recorded_by -> Nullable<Text>,
    }
}

diesel::table! {
    customers (id) {
        id -> Text,
        name -> Text,
        phone -> Nullable<Text>,
        key_account -> Bool,
        dealer_name -> Nullable<Text>,
        dealer_consent -> Bool,
        owner_user_id -> Nullable<Text>,
        team_id -> Nullable<Text>,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sites (id) {
        id -> Text,
        customer_id -> Text,
        name -> Text,
        address -> Text,
        city -> Text,
        county -> Nullable<Text>,
        location_class_override -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    contacts (id) {
        id -> Text,
        customer_id -> Text,
        site_id -> Nullable<Text>,
        name -> Text,
        phone -> Text,
        title -> Nullable<Text>,
        authorised_signer -> Bool,
        user_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    products (id) {
        id -> Text,
        model -> Text,
        name -> Text,
        category -> Nullable<Text>,
        unit_price_fen -> BigInt,
        unit_cost_fen -> BigInt,
        floor_price_fen -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    equipment (id) {
        id -> Text,
        site_id -> Text,
        product_id -> Text,
        serial -> Text,
        install_date -> Nullable<Date>,
        warranty_end -> Nullable<Date>,
        controller_points -> Nullable<BigInt>,
        pure_alarm_controller -> Bool,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(employees -> teams (team_id));
diesel::joinable!(employment_events -> employees (employee_id));
diesel::joinable!(sites -> customers (customer_id));
diesel::joinable!(contacts -> customers (customer_id));
diesel::joinable!(equipment -> sites (site_id));
diesel::joinable!(equipment -> products (product_id));
diesel::allow_tables_to_appear_in_same_query!(
    cities,
    teams,
    employees,
    employment_events,
    customers,
    sites,
    contacts,
    products,
    equipment,
);

diesel::table! {
    calendar_days (day) {
        day -> Text,
        kind -> Text,
        note -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    calendar_meta (id) {
        id -> Integer,
        version -> BigInt,
        updated_at -> Nullable<Timestamp>,
    }
}
