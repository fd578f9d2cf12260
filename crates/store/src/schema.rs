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
        session_version -> BigInt,
        scope_changed_at -> Nullable<Timestamp>,
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
        successor_id -> Nullable<Text>,
        successor_sealed -> Nullable<Text>,
        grace_used_at -> Nullable<Timestamp>,
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
        lease_until -> Nullable<Timestamp>,
        committed_at -> Nullable<Timestamp>,
        committed_entity_type -> Nullable<Text>,
        committed_entity_id -> Nullable<Text>,
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

diesel::table! {
    calendar_schedules (year) {
        year -> Integer,
        source -> Text,
        day_count -> Integer,
        imported_at -> Timestamp,
        imported_by -> Nullable<Text>,
    }
}

diesel::table! {
    jobs (id) {
        id -> Text,
        kind -> Text,
        payload -> Text,
        run_at -> Timestamp,
        status -> Text,
        attempts -> BigInt,
        max_attempts -> BigInt,
        last_error -> Nullable<Text>,
        leased_by -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        dedupe_key -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        user_id -> Text,
        kind -> Text,
        title -> Text,
        body -> Text,
        entity_type -> Nullable<Text>,
        entity_id -> Nullable<Text>,
        dedupe_key -> Nullable<Text>,
        read_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(notifications -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(notifications, users);
diesel::joinable!(customers -> teams (team_id));

diesel::table! {
    webhook_subscriptions (id) {
        id -> Text,
        name -> Text,
        url -> Text,
        secret -> Text,
        event_types -> Text,
        active -> Bool,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        subscription_id -> Text,
        event_id -> Text,
        event_type -> Text,
        payload -> Text,
        status -> Text,
        attempts -> BigInt,
        last_status_code -> Nullable<BigInt>,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Text,
        delivery_id -> Text,
        attempt -> BigInt,
        started_at -> Timestamp,
        duration_ms -> BigInt,
        status_code -> Nullable<BigInt>,
        error -> Nullable<Text>,
    }
}

diesel::joinable!(webhook_deliveries -> webhook_subscriptions (subscription_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));
diesel::allow_tables_to_appear_in_same_query!(
    webhook_subscriptions,
    webhook_deliveries,
    webhook_attempts,
);

diesel::table! {
    ticket_counters (day) {
        day -> Text,
        last -> BigInt,
    }
}

diesel::table! {
    tickets (id) {
        id -> Text,
        number -> Text,
        channel -> Text,
        ticket_type -> Text,
        priority -> Text,
        status -> Text,
        customer_id -> Text,
        site_id -> Nullable<Text>,
        contact_id -> Nullable<Text>,
        equipment_id -> Nullable<Text>,
        description -> Text,
        taken_by -> Text,
        assignee_id -> Nullable<Text>,
        team_id -> Nullable<Text>,
        planned_start -> Nullable<Timestamp>,
        planned_end -> Nullable<Timestamp>,
        appointment_confirmed_at -> Nullable<Timestamp>,
        appointment_confirmed_with -> Nullable<Text>,
        escalated_at -> Nullable<Timestamp>,
        escalation_reason -> Nullable<Text>,
        response_due_at -> Timestamp,
        resolution_due_at -> Timestamp,
        responded_at -> Nullable<Timestamp>,
        waiting_since -> Nullable<Timestamp>,
        resolved_at -> Nullable<Timestamp>,
        resolution_summary -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    ticket_transitions (id) {
        id -> Text,
        ticket_id -> Text,
        action -> Text,
        from_status -> Nullable<Text>,
        to_status -> Text,
        actor_id -> Nullable<Text>,
        reason -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    visits (id) {
        id -> Text,
        ticket_id -> Text,
        engineer_id -> Text,
        planned_date -> Date,
        purpose -> Text,
        status -> Text,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decision_note -> Nullable<Text>,
        departed_at -> Nullable<Timestamp>,
        arrived_at -> Nullable<Timestamp>,
        arrived_lat_e6 -> Nullable<BigInt>,
        arrived_lng_e6 -> Nullable<BigInt>,
        arrived_accuracy_m -> Nullable<BigInt>,
        finished_at -> Nullable<Timestamp>,
        finished_lat_e6 -> Nullable<BigInt>,
        finished_lng_e6 -> Nullable<BigInt>,
        finished_accuracy_m -> Nullable<BigInt>,
        resolved -> Nullable<Bool>,
        outcome_note -> Nullable<Text>,
        escalated_at -> Nullable<Timestamp>,
        escalated_by -> Nullable<Text>,
        escalation_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    service_records (id) {
        id -> Text,
        ticket_id -> Text,
        visit_id -> Nullable<Text>,
        mode -> Text,
        kind -> Text,
        work_done -> Text,
        details -> Text,
        promised_date -> Nullable<Date>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(ticket_transitions -> tickets (ticket_id));
diesel::joinable!(visits -> tickets (ticket_id));
diesel::joinable!(service_records -> tickets (ticket_id));
diesel::table! {
    feedback_forms (id) {
        id -> Text,
        ticket_id -> Text,
        visit_id -> Text,
        engineer_id -> Text,
        status -> Text,
        current_version_no -> BigInt,
        signed_version_no -> Nullable<BigInt>,
        signer_authorised -> Nullable<Bool>,
        due_date -> Nullable<Date>,
        due_at -> Nullable<Timestamp>,
        received_at -> Nullable<Timestamp>,
        received_by -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    feedback_form_versions (id) {
        id -> Text,
        form_id -> Text,
        version_no -> BigInt,
        work_done -> Text,
        result -> Text,
        parts_used -> Text,
        customer_opinion -> Nullable<Text>,
        amendment_reason -> Nullable<Text>,
        signer_contact_id -> Nullable<Text>,
        signer_name -> Nullable<Text>,
        signer_authorised -> Nullable<Bool>,
        signature_attachment_id -> Nullable<Text>,
        signature_sha256 -> Nullable<Text>,
        signed_at -> Nullable<Timestamp>,
        signed_recorded_by -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(feedback_forms -> tickets (ticket_id));
diesel::joinable!(feedback_forms -> visits (visit_id));
diesel::joinable!(feedback_form_versions -> feedback_forms (form_id));
diesel::allow_tables_to_appear_in_same_query!(
    tickets,
    ticket_transitions,
    visits,
    service_records,
    feedback_forms,
    feedback_form_versions
);

diesel::table! {
    kb_articles (id) {
        id -> Text,
        title -> Text,
        problem -> Text,
        answer -> Text,
        tags -> Text,
        search_text -> Text,
        product_id -> Nullable<Text>,
        status -> Text,
        version_no -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    kb_article_versions (id) {
        id -> Text,
        article_id -> Text,
        version_no -> BigInt,
        title -> Text,
        problem -> Text,
        answer -> Text,
        tags -> Text,
        product_id -> Nullable<Text>,
        edited_by -> Text,
        edited_at -> Timestamp,
        change_note -> Nullable<Text>,
    }
}

diesel::table! {
    work_orders (id) {
        id -> Text,
        ticket_id -> Text,
        target -> Text,
        title -> Text,
        description -> Text,
        raised_by -> Text,
        assignee_id -> Nullable<Text>,
        status -> Text,
        started_at -> Nullable<Timestamp>,
        solution -> Nullable<Text>,
        solved_by -> Nullable<Text>,
        solved_at -> Nullable<Timestamp>,
        kb_article_id -> Nullable<Text>,
        closed_by -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
        cancel_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(kb_article_versions -> kb_articles (article_id));
diesel::joinable!(work_orders -> tickets (ticket_id));
diesel::allow_tables_to_appear_in_same_query!(kb_articles, kb_article_versions);
diesel::allow_tables_to_appear_in_same_query!(work_orders, tickets);

diesel::table! {
    callbacks (id) {
        id -> Text,
        ticket_id -> Text,
        source -> Text,
        feedback_form_id -> Nullable<Text>,
        shipped_on -> Nullable<Date>,
        assignee_id -> Text,
        manager_id -> Nullable<Text>,
        due_date -> Date,
        status -> Text,
        attempts -> BigInt,
        last_attempt_at -> Nullable<Timestamp>,
        last_attempt_note -> Nullable<Text>,
        reached -> Nullable<Bool>,
        form_signed -> Nullable<Bool>,
        timeliness -> Nullable<BigInt>,
        attitude -> Nullable<BigInt>,
        technical -> Nullable<BigInt>,
        result_ok -> Nullable<Bool>,
        satisfied -> Nullable<Bool>,
        fee_charged_fen -> Nullable<BigInt>,
        fee_kind -> Nullable<Text>,
        fee_refunded -> Nullable<Bool>,
        invoice_given -> Nullable<Bool>,
        notes -> Nullable<Text>,
        completed_at -> Nullable<Timestamp>,
        completed_by -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    callback_follow_ups (id) {
        id -> Text,
        callback_id -> Text,
        ticket_id -> Text,
        owner_id -> Text,
        due_date -> Date,
        status -> Text,
        answer -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        answered_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
        decision -> Nullable<Text>,
        decision_reason -> Nullable<Text>,
    }
}

diesel::joinable!(callbacks -> tickets (ticket_id));
diesel::joinable!(callback_follow_ups -> callbacks (callback_id));
diesel::allow_tables_to_appear_in_same_query!(callbacks, callback_follow_ups, tickets);

diesel::table! {
    attachments (id) {
        id -> Text,
        owner_type -> Text,
        owner_id -> Text,
        kind -> Text,
        filename -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        has_thumbnail -> Bool,
        uploaded_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    complaints (id) {
        id -> Text,
        ticket_id -> Nullable<Text>,
        customer_id -> Text,
        employee_id -> Text,
        channel -> Text,
        description -> Text,
        received_at -> Timestamp,
        recorded_by -> Text,
        status -> Text,
        validity -> Nullable<Text>,
        validity_reason -> Nullable<Text>,
        judged_by -> Nullable<Text>,
        judged_at -> Nullable<Timestamp>,
        corrective_measures -> Nullable<Text>,
        reply_to_customer -> Nullable<Text>,
        replied_by -> Nullable<Text>,
        replied_at -> Nullable<Timestamp>,
        closed_by -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    change_requests (id) {
        id -> Text,
        ticket_id -> Text,
        customer_id -> Text,
        service_record_id -> Nullable<Text>,
        title -> Text,
        requirements -> Text,
        customer_stamp_ref -> Nullable<Text>,
        requested_by -> Text,
        stage -> Text,
        review_note -> Nullable<Text>,
        promised_date -> Nullable<Date>,
        reviewed_by -> Nullable<Text>,
        reviewed_at -> Nullable<Timestamp>,
        tested_by -> Nullable<Text>,
        tested_at -> Nullable<Timestamp>,
        delivered_at -> Nullable<Timestamp>,
        customer_feedback -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    change_request_events (id) {
        id -> Text,
        change_request_id -> Text,
        action -> Text,
        from_stage -> Nullable<Text>,
        to_stage -> Text,
        actor_id -> Nullable<Text>,
        reason -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    change_request_delays (id) {
        id -> Text,
        change_request_id -> Text,
        old_promised_date -> Date,
        new_promised_date -> Date,
        reason -> Text,
        notified_contact -> Text,
        noticed_by -> Nullable<Text>,
        noticed_at -> Timestamp,
    }
}

diesel::joinable!(change_request_events -> change_requests (change_request_id));
diesel::joinable!(change_request_delays -> change_requests (change_request_id));
diesel::allow_tables_to_appear_in_same_query!(
    change_requests,
    change_request_events,
    change_request_delays,
    tickets,
    complaints
);

diesel::table! {
    parts (id) {
        id -> Text,
        product_id -> Text,
        code -> Text,
        name -> Text,
        kind -> Text,
        sale_price_fen -> BigInt,
        unit_cost_fen -> BigInt,
        min_stock -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    stock_locations (id) {
        id -> Text,
        kind -> Text,
        name -> Text,
        engineer_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    stock_levels (id) {
        id -> Text,
        part_id -> Text,
        location_id -> Text,
        quantity -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    serial_units (id) {
        id -> Text,
        part_id -> Text,
        serial -> Text,
        status -> Text,
        location_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    stock_movements (id) {
        id -> Text,
        kind -> Text,
        part_id -> Text,
        serial_unit_id -> Nullable<Text>,
        serial -> Nullable<Text>,
        quantity -> BigInt,
        from_location_id -> Nullable<Text>,
        to_location_id -> Nullable<Text>,
        note -> Nullable<Text>,
        actor_id -> Nullable<Text>,
        created_at -> Timestamp,
        rotation_passed_over -> Nullable<Text>,
        ticket_id -> Nullable<Text>,
    }
}

diesel::joinable!(parts -> products (product_id));
diesel::joinable!(stock_levels -> parts (part_id));
diesel::joinable!(stock_levels -> stock_locations (location_id));
diesel::joinable!(serial_units -> parts (part_id));
diesel::allow_tables_to_appear_in_same_query!(
    parts,
    products,
    stock_locations,
    stock_levels,
    serial_units,
    stock_movements
);

diesel::table! {
    part_loans (id) {
        id -> Text,
        engineer_id -> Text,
        location_id -> Text,
        part_id -> Text,
        quantity -> BigInt,
        serials -> Text,
        outstanding_serials -> Text,
        returned_quantity -> BigInt,
        unused_quantity -> BigInt,
        lost_quantity -> BigInt,
        status -> Text,
        note -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        issued_by -> Nullable<Text>,
        issued_at -> Nullable<Timestamp>,
        due_on -> Nullable<Date>,
        signed_at -> Nullable<Timestamp>,
        overdue_flagged_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
        rotation_passed_over -> Nullable<Text>,
        consumed_quantity -> BigInt,
    }
}

diesel::table! {
    part_charges (id) {
        id -> Text,
        loan_id -> Text,
        engineer_id -> Text,
        part_id -> Text,
        kind -> Text,
        serials -> Text,
        quantity -> BigInt,
        unit_price_fen -> BigInt,
        amount_fen -> BigInt,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    stock_minimums (id) {
        id -> Text,
        part_id -> Text,
        location_id -> Text,
        min_quantity -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    stock_counts (id) {
        id -> Text,
        location_id -> Text,
        count_day -> Date,
        kind -> Text,
        lines -> Text,
        note -> Nullable<Text>,
        counted_by -> Nullable<Text>,
        anomaly_count -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    stock_count_anomalies (id) {
        id -> Text,
        occurrence_key -> Text,
        kind -> Text,
        count_id -> Nullable<Text>,
        location_id -> Text,
        count_day -> Date,
        count_kind -> Text,
        part_id -> Nullable<Text>,
        expected_quantity -> Nullable<BigInt>,
        counted_quantity -> Nullable<BigInt>,
        damaged_quantity -> Nullable<BigInt>,
        min_quantity -> Nullable<BigInt>,
        missing_serials -> Text,
        unexpected_serials -> Text,
        damaged_serials -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    contracts (id) {
        id -> Text,
        title -> Text,
        customer_id -> Text,
        predecessor_id -> Nullable<Text>,
        renewal_mode -> Text,
        notice_days -> BigInt,
        renewal_cancelled -> Bool,
        period_start -> Date,
        period_end -> Date,
        amount_fen -> BigInt,
        paid_fen -> BigInt,
        signer_id -> Text,
        status -> Text,
        signed_on -> Nullable<Date>,
        payment_due_on -> Nullable<Date>,
        overdue_noticed_on -> Nullable<Date>,
        termination_reason -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
        kind -> Text,
    }
}

diesel::table! {
    contract_items (contract_id, kind, item_id) {
        contract_id -> Text,
        kind -> Text,
        item_id -> Text,
    }
}

diesel::joinable!(contract_items -> contracts (contract_id));
diesel::allow_tables_to_appear_in_same_query!(contracts, contract_items, customers);

diesel::table! {
    contract_reminders (id) {
        id -> Text,
        contract_id -> Text,
        period_end -> Date,
        remind_on -> Date,
        assignee_id -> Text,
        answer -> Nullable<Text>,
        answer_note -> Nullable<Text>,
        answered_by -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    part_rmas (id) {
        id -> Text,
        part_id -> Text,
        serial_unit_id -> Text,
        serial -> Text,
        from_location_id -> Text,
        manufacturer -> Text,
        batch -> Nullable<Text>,
        fault_reason -> Text,
        sent_on -> Date,
        expected_back_on -> Date,
        status -> Text,
        returned_on -> Nullable<Date>,
        to_location_id -> Nullable<Text>,
        replacement_serial -> Nullable<Text>,
        replacement_unit_id -> Nullable<Text>,
        outcome_note -> Nullable<Text>,
        note -> Nullable<Text>,
        sent_by -> Nullable<Text>,
        closed_by -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        overdue_flagged_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(part_charges -> part_loans (loan_id));
diesel::allow_tables_to_appear_in_same_query!(part_loans, part_charges);
diesel::joinable!(contract_reminders -> contracts (contract_id));
diesel::allow_tables_to_appear_in_same_query!(contracts, contract_reminders);

diesel::table! {
    contract_payments (id) {
        id -> Text,
        contract_id -> Text,
        amount_fen -> BigInt,
        paid_on -> Date,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(contract_payments -> contracts (contract_id));
diesel::allow_tables_to_appear_in_same_query!(contracts, contract_payments);

diesel::table! {
    maintenance_acceptances (contract_id) {
        contract_id -> Text,
        fire_inspected -> Bool,
        well_managed -> Bool,
        duty_person -> Bool,
        inspected_on -> Date,
        inspector_id -> Text,
        alarm_host_passed -> Bool,
        alarm_host_note -> Nullable<Text>,
        device_count_passed -> Bool,
        device_count_note -> Nullable<Text>,
        sprinkler_hydrant_passed -> Bool,
        sprinkler_hydrant_note -> Nullable<Text>,
        gas_extinguishing_passed -> Bool,
        gas_extinguishing_note -> Nullable<Text>,
        smoke_control_passed -> Bool,
        smoke_control_note -> Nullable<Text>,
        recorded_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(maintenance_acceptances -> contracts (contract_id));
diesel::allow_tables_to_appear_in_same_query!(contracts, maintenance_acceptances);

diesel::table! {
    maintenance_steps (id) {
        id -> Text,
        contract_id -> Text,
        kind -> Text,
        seq -> BigInt,
        due_on -> Date,
        status -> Text,
        completed_on -> Nullable<Date>,
        completed_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
        customer_signatory -> Nullable<Text>,
        manager_approved_by -> Nullable<Text>,
        manager_approved_on -> Nullable<Date>,
        executive_approved_by -> Nullable<Text>,
        executive_approved_on -> Nullable<Date>,
        overdue_noticed_on -> Nullable<Date>,
    }
}

diesel::joinable!(maintenance_steps -> contracts (contract_id));
diesel::allow_tables_to_appear_in_same_query!(contracts, maintenance_steps);
// CON-6, the overdue dashboard: a step with its contract and the contract's customer.
diesel::joinable!(contracts -> customers (customer_id));
diesel::allow_tables_to_appear_in_same_query!(customers, maintenance_steps);

diesel::table! {
    commissioning_jobs (id) {
        id -> Text,
        title -> Text,
        notice_no -> Text,
        customer_id -> Text,
        site_id -> Text,
        location_class -> Text,
        original_job_id -> Nullable<Text>,
        controller_points -> BigInt,
        pure_alarm_controller -> Bool,
        billable_points -> BigInt,
        engineer_id -> Text,
        status -> Text,
        approved_by -> Nullable<Text>,
        approved_on -> Nullable<Date>,
        started_on -> Nullable<Date>,
        ended_on -> Nullable<Date>,
        documents_due_on -> Nullable<Date>,
        project_file_on -> Nullable<Date>,
        questionnaire_on -> Nullable<Date>,
        settlement_notice_on -> Nullable<Date>,
        documents_late_noticed_on -> Nullable<Date>,
        callback_confirmed_by -> Nullable<Text>,
        callback_confirmed_on -> Nullable<Date>,
        recheck_required -> Bool,
        rechecked_by -> Nullable<Text>,
        rechecked_on -> Nullable<Date>,
        acceptance_on -> Nullable<Date>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    ticket_repairs (ticket_id) {
        ticket_id -> Text,
        fault_code -> Text,
        product_defect -> Bool,
        recorded_at -> Timestamp,
    }
}

diesel::joinable!(ticket_repairs -> tickets (ticket_id));
diesel::allow_tables_to_appear_in_same_query!(tickets, ticket_repairs);

diesel::table! {
    ticket_sla_marks (ticket_id, target) {
        ticket_id -> Text,
        target -> Text,
        due_at -> Timestamp,
        stage -> Text,
        announced_at -> Timestamp,
    }
}

diesel::joinable!(ticket_sla_marks -> tickets (ticket_id));
diesel::allow_tables_to_appear_in_same_query!(tickets, ticket_sla_marks);

diesel::table! {
    attendance_days (id) {
        id -> Text,
        user_id -> Text,
        work_date -> Date,
        clock_in_at -> Timestamp,
        clock_out_at -> Nullable<Timestamp>,
        source -> Text,
        latitude_e6 -> Nullable<BigInt>,
        longitude_e6 -> Nullable<BigInt>,
        excuse -> Nullable<Text>,
        excuse_reason -> Nullable<Text>,
        excused_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    fines (id) {
        id -> Text,
        user_id -> Text,
        rule -> Text,
        amount_fen -> BigInt,
        month -> Text,
        occurred_on -> Date,
        evidence -> Text,
        attachment_ids -> Text,
        issued_by -> Nullable<Text>,
        status -> Text,
        dismissal_flag -> Bool,
        source_key -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        cancel_reason -> Nullable<Text>,
        deducted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    score_events (id) {
        id -> Text,
        user_id -> Text,
        month -> Text,
        item_key -> Text,
        item_title -> Text,
        units -> BigInt,
        points -> BigInt,
        sets_measure_key -> Nullable<Text>,
        sets_measure_score -> Nullable<BigInt>,
        evidence -> Text,
        status -> Text,
        cancelled_by_appeal_id -> Nullable<Text>,
        penalty_for_event_id -> Nullable<Text>,
        issued_by -> Text,
        issued_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    scorecard_inputs (id) {
        id -> Text,
        user_id -> Text,
        month -> Text,
        position -> Text,
        qa_average_tenths -> Nullable<BigInt>,
        measures_json -> Text,
        entered_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    scorecards (id) {
        id -> Text,
        user_id -> Text,
        month -> Text,
        position -> Text,
        total_tenths -> BigInt,
        grade -> Text,
        card_json -> Text,
        outcome_json -> Text,
        justification -> Nullable<Text>,
        finalised_by -> Text,
        finalised_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    score_appeals (id) {
        id -> Text,
        event_id -> Text,
        user_id -> Text,
        reason -> Text,
        status -> Text,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decision_note -> Nullable<Text>,
        penalty_event_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    licences (id) {
        id -> Text,
        serial -> Text,
        contract_id -> Text,
        customer_id -> Text,
        equipment_id -> Text,
        valid_from -> Date,
        valid_until -> Date,
        replaces_id -> Nullable<Text>,
        replaced_by_id -> Nullable<Text>,
        issued_by -> Text,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
        voided_on -> Nullable<Date>,
    }
}

diesel::table! {
    fund_ledger (id) {
        id -> Text,
        fine_id -> Nullable<Text>,
        user_id -> Nullable<Text>,
        rule -> Text,
        entry -> Text,
        amount_fen -> BigInt,
        posted_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        purpose -> Nullable<Text>,
    }
}

diesel::joinable!(licences -> contracts (contract_id));
diesel::allow_tables_to_appear_in_same_query!(contracts, licences);
diesel::allow_tables_to_appear_in_same_query!(contract_items, licences);

diesel::table! {
    controller_instructions (id) {
        id -> Text,
        customer_id -> Text,
        site_id -> Text,
        equipment_id -> Nullable<Text>,
        action -> Text,
        description -> Text,
        signer_name -> Text,
        signed_at -> Timestamp,
        attachment_id -> Nullable<Text>,
        recorded_by -> Text,
        status -> Text,
        changed_by -> Nullable<Text>,
        changed_at -> Nullable<Timestamp>,
        change_equipment_id -> Nullable<Text>,
        change_note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
        record_signer_name -> Nullable<Text>,
        manager_confirmed_by -> Nullable<Text>,
        manager_confirmed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    leave_requests (id) {
        id -> Text,
        user_id -> Text,
        kind -> Text,
        start_date -> Date,
        end_date -> Date,
        working_days -> BigInt,
        reason -> Text,
        status -> Text,
        manager_decided_by -> Nullable<Text>,
        manager_decided_at -> Nullable<Timestamp>,
        hr_decided_by -> Nullable<Text>,
        hr_decided_at -> Nullable<Timestamp>,
        decision_note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    repair_intakes (id) {
        id -> Text,
        ticket_id -> Nullable<Text>,
        customer_id -> Text,
        product_id -> Nullable<Text>,
        model -> Nullable<Text>,
        serial -> Text,
        visible_damage -> Nullable<Text>,
        accessories -> Text,
        reported_fault -> Text,
        fault_reproduced -> Bool,
        reproduction_notes -> Nullable<Text>,
        brought_by -> Nullable<Text>,
        received_by -> Text,
        received_at -> Timestamp,
        status -> Text,
        status_note -> Nullable<Text>,
        signer_contact_id -> Nullable<Text>,
        signer_name -> Nullable<Text>,
        signature_attachment_id -> Nullable<Text>,
        signature_sha256 -> Nullable<Text>,
        signed_at -> Nullable<Timestamp>,
        signed_recorded_by -> Nullable<Text>,
        returned_at -> Nullable<Timestamp>,
        returned_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
        repair_site -> Nullable<Text>,
    }
}

diesel::table! {
    exam_sessions (id) {
        id -> Text,
        kind -> Text,
        title -> Text,
        exam_date -> Date,
        parts -> Text,
        department -> Nullable<Text>,
        pass_mark -> BigInt,
        retake_of -> Nullable<Text>,
        attempt -> BigInt,
        status -> Text,
        created_by -> Text,
        closed_by -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(repair_intakes, tickets);

diesel::table! {
    exam_results (id) {
        id -> Text,
        session_id -> Text,
        user_id -> Text,
        presence -> Text,
        knowledge_written -> Nullable<BigInt>,
        operation_written -> Nullable<BigInt>,
        knowledge_counted -> Nullable<BigInt>,
        operation_counted -> Nullable<BigInt>,
        passed -> Bool,
        top_place -> Bool,
        flags -> Text,
        note -> Nullable<Text>,
        recorded_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
        card_id -> Nullable<Text>,
    }
}

diesel::joinable!(exam_results -> exam_sessions (session_id));
diesel::allow_tables_to_appear_in_same_query!(exam_sessions, exam_results);

diesel::table! {
    probations (id) {
        id -> Text,
        user_id -> Text,
        department -> Nullable<Text>,
        starts_on -> Date,
        ends_on -> Date,
        status -> Text,
        manager_approved_by -> Nullable<Text>,
        manager_approved_at -> Nullable<Timestamp>,
        executive_approved_by -> Nullable<Text>,
        executive_approved_at -> Nullable<Timestamp>,
        gm_approved_by -> Nullable<Text>,
        gm_approved_at -> Nullable<Timestamp>,
        opened_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
        early_reason -> Nullable<Text>,
    }
}

diesel::table! {
    promotion_assessments (id) {
        id -> Text,
        user_id -> Text,
        meets_abilities -> Bool,
        note -> Text,
        assessed_on -> Date,
        assessed_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

// 000440_expenses (BIL-14 … BIL-16)
diesel::table! {
    travel_requests (id) {
        id -> Text,
        user_id -> Text,
        destination_city -> Text,
        destination_county -> Nullable<Text>,
        city_tier -> Nullable<Text>,
        purpose -> Text,
        reference -> Nullable<Text>,
        planned_departure -> Date,
        planned_return -> Date,
        transport -> Text,
        status -> Text,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decision_note -> Nullable<Text>,
        standard_json -> Nullable<Text>,
        standard_effective_from -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    expense_claims (id) {
        id -> Text,
        user_id -> Text,
        travel_request_id -> Text,
        departed_at -> Timestamp,
        returned_at -> Timestamp,
        half_days -> BigInt,
        total_fen -> BigInt,
        items_json -> Text,
        lines_json -> Text,
        note -> Nullable<Text>,
        status -> Text,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decision_note -> Nullable<Text>,
        paid_by -> Nullable<Text>,
        paid_at -> Nullable<Timestamp>,
        paid_fen -> Nullable<BigInt>,
        advance_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    cash_advances (id) {
        id -> Text,
        user_id -> Text,
        travel_request_id -> Text,
        amount_fen -> BigInt,
        purpose -> Text,
        status -> Text,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decision_note -> Nullable<Text>,
        paid_by -> Nullable<Text>,
        paid_at -> Nullable<Timestamp>,
        due_date -> Nullable<Date>,
        overdue_notified_at -> Nullable<Timestamp>,
        claim_id -> Nullable<Text>,
        settlement_fen -> Nullable<BigInt>,
        settled_by -> Nullable<Text>,
        settled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    commission_lines (id) {
        id -> Text,
        person_id -> Text,
        kind -> Text,
        source_kind -> Text,
        source_id -> Text,
        earned_month -> Text,
        due_month -> Nullable<Text>,
        amount_fen -> BigInt,
        rule -> Text,
        inputs -> Text,
        rule_versions -> Text,
        status -> Text,
        transferred_to -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    commission_months (month) {
        month -> Text,
        closes -> BigInt,
        first_closed_at -> Timestamp,
        last_closed_at -> Timestamp,
        last_closed_by -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(travel_requests, expense_claims, cash_advances);
diesel::allow_tables_to_appear_in_same_query!(commission_lines, commission_months);

diesel::table! {
    payroll_statements (id) {
        id -> Text,
        person_id -> Text,
        employee_id -> Nullable<Text>,
        month -> Text,
        status -> Text,
        earnings_fen -> BigInt,
        deductions_fen -> BigInt,
        net_fen -> BigInt,
        line_count -> BigInt,
        note -> Nullable<Text>,
        generated_at -> Timestamp,
        approved_by -> Nullable<Text>,
        approved_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    payroll_lines (id) {
        id -> Text,
        statement_id -> Text,
        person_id -> Text,
        month -> Text,
        position -> BigInt,
        kind -> Text,
        source_kind -> Text,
        source_id -> Text,
        source_month -> Nullable<Text>,
        amount_fen -> BigInt,
        rule -> Text,
        description -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    payroll_adjustments (id) {
        id -> Text,
        person_id -> Text,
        month -> Text,
        amount_fen -> BigInt,
        reason -> Text,
        corrects_statement_id -> Nullable<Text>,
        status -> Text,
        applied_statement_id -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(payroll_lines -> payroll_statements (statement_id));
diesel::allow_tables_to_appear_in_same_query!(
    payroll_statements,
    payroll_lines,
    payroll_adjustments
);

diesel::table! {
    fee_items (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        kind -> Text,
        unit -> Text,
        list_price_fen -> BigInt,
        floor_price_fen -> BigInt,
        part_id -> Nullable<Text>,
        active -> Bool,
        note -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    repair_quotes (id) {
        id -> Text,
        customer_id -> Text,
        site_id -> Nullable<Text>,
        equipment_id -> Nullable<Text>,
        intake_id -> Nullable<Text>,
        ticket_id -> Nullable<Text>,
        engineer_id -> Text,
        status -> Text,
        needs_approval -> Bool,
        approved_by -> Nullable<Text>,
        approved_at -> Nullable<Timestamp>,
        remote -> Nullable<Bool>,
        out_of_warranty -> Nullable<Bool>,
        issued_by -> Nullable<Text>,
        issued_at -> Nullable<Timestamp>,
        answered_by -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        answer_note -> Nullable<Text>,
        cancel_reason -> Nullable<Text>,
        note -> Nullable<Text>,
        total_fen -> BigInt,
        fee_fen -> BigInt,
        floor_fen -> BigInt,
        paid_fen -> BigInt,
        fully_paid_at -> Nullable<Timestamp>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    repair_quote_lines (id) {
        id -> Text,
        quote_id -> Text,
        position -> BigInt,
        fee_item_id -> Text,
        kind -> Text,
        code -> Text,
        name -> Text,
        unit -> Text,
        quantity -> BigInt,
        unit_price_fen -> BigInt,
        list_price_fen -> BigInt,
        floor_price_fen -> BigInt,
        amount_fen -> BigInt,
    }
}

diesel::table! {
    customer_payments (id) {
        id -> Text,
        customer_id -> Text,
        kind -> Text,
        quote_id -> Nullable<Text>,
        intake_id -> Nullable<Text>,
        amount_fen -> BigInt,
        paid_on -> Date,
        method -> Text,
        account -> Text,
        document -> Text,
        document_no -> Nullable<Text>,
        deposit_state -> Nullable<Text>,
        settled_by -> Nullable<Text>,
        settled_at -> Nullable<Timestamp>,
        settle_note -> Nullable<Text>,
        converted_payment_id -> Nullable<Text>,
        note -> Nullable<Text>,
        recorded_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(repair_quote_lines -> repair_quotes (quote_id));
diesel::allow_tables_to_appear_in_same_query!(repair_quotes, repair_quote_lines, customers);
diesel::allow_tables_to_appear_in_same_query!(customer_payments, customers);
diesel::allow_tables_to_appear_in_same_query!(customer_payments, repair_quotes);

diesel::table! {
    invoices (id) {
        id -> Text,
        number -> Text,
        customer_id -> Text,
        subject_kind -> Text,
        subject_id -> Text,
        amount_fen -> BigInt,
        credited_fen -> BigInt,
        issued_on -> Date,
        mailing_address -> Text,
        contact_name -> Text,
        contact_phone -> Nullable<Text>,
        note -> Nullable<Text>,
        issued_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    credit_notes (id) {
        id -> Text,
        invoice_id -> Text,
        number -> Text,
        amount_fen -> BigInt,
        issued_on -> Date,
        reason -> Text,
        issued_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(credit_notes -> invoices (invoice_id));
diesel::allow_tables_to_appear_in_same_query!(invoices, credit_notes, customers);

diesel::table! {
    rebates (id) {
        id -> Text,
        customer_id -> Text,
        source_kind -> Text,
        source_id -> Text,
        engineer_id -> Text,
        amount_fen -> BigInt,
        returned_on -> Date,
        reason -> Text,
        status -> Text,
        cancelled_by -> Nullable<Text>,
        cancelled_at -> Nullable<Timestamp>,
        cancel_reason -> Nullable<Text>,
        recorded_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    repair_labour_approvals (quote_id) {
        quote_id -> Text,
        manager_approved_by -> Text,
        manager_approved_on -> Date,
        executive_approved_by -> Nullable<Text>,
        executive_approved_on -> Nullable<Date>,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(repair_labour_approvals -> repair_quotes (quote_id));
diesel::allow_tables_to_appear_in_same_query!(rebates, customers);
diesel::allow_tables_to_appear_in_same_query!(repair_labour_approvals, repair_quotes);

diesel::table! {
    chasing_notes (id) {
        id -> Text,
        customer_id -> Text,
        document_kind -> Text,
        document_id -> Text,
        called_by -> Text,
        called_at -> Timestamp,
        channel -> Text,
        contact_name -> Nullable<Text>,
        outcome -> Text,
        promised_on -> Nullable<Date>,
        promised_fen -> Nullable<BigInt>,
        note -> Nullable<Text>,
        recorded_by -> Text,
        promise_lapse_noticed_on -> Nullable<Date>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(chasing_notes -> customers (customer_id));
diesel::allow_tables_to_appear_in_same_query!(chasing_notes, customers);
