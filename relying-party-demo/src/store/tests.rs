use super::*;

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db/cabinet.sqlite")).unwrap();
    (dir, store)
}

fn visit(sub: &str, doctor_id: i32, day: &str) -> NewAppointment {
    NewAppointment {
        patient_sub: sub.into(),
        patient_name: "Стандартова Анна Ивановна".into(),
        doctor_id,
        day: day.into(),
        time: "09:00".into(),
        created_at: 1,
    }
}

#[test]
fn a_new_database_opens_its_connections_without_lock_errors() {
    for _ in 0..3 {
        let (_dir, store) = store();
        // Every pooled connection is open once `open` returns.
        assert_eq!(store.pool.state().connections, 4);
        assert_eq!(
            store.connection_errors(),
            0,
            "«database is locked» at start"
        );
    }
}

#[tokio::test]
async fn migrations_seed_the_reference_data_and_the_register() {
    let (_dir, store) = store();
    let clinics = store.clinics().await.unwrap();
    assert_eq!(clinics.len(), 2);
    assert_eq!(clinics[0].1.len(), 4, "four doctors in the first clinic");
    assert_eq!(store.records_of("112-233-447 97").await.unwrap().len(), 3);
    let entry = store.frmr_entry("112-233-447 97").await.unwrap().unwrap();
    assert_eq!(entry.family_name, "Подтверждёнов");
    let doctor = store.frmr_entry("112-233-451 93").await.unwrap().unwrap();
    assert_eq!(
        doctor.family_name, "Докторов",
        "the provider's demo doctor@"
    );
    assert!(store.frmr_entry("000-000-000 00").await.unwrap().is_none());
}

#[tokio::test]
async fn a_slot_is_booked_once_until_cancelled_by_its_patient() {
    let (_dir, store) = store();
    store.book(visit("a", 1, "2026-12-01")).await.unwrap();
    assert!(matches!(
        store.book(visit("b", 1, "2026-12-01")).await,
        Err(StoreError::SlotTaken)
    ));
    let mine = store.appointments_of("a").await.unwrap();
    assert_eq!(mine.len(), 1);
    let id = mine[0].0.id;
    assert!(
        !store.cancel("b", id, 2).await.unwrap(),
        "not b's appointment"
    );
    assert!(store.cancel("a", id, 2).await.unwrap());
    assert!(store.appointments_of("a").await.unwrap().is_empty());
    store.book(visit("b", 1, "2026-12-01")).await.unwrap();
}

#[tokio::test]
async fn the_report_counts_live_visits_per_doctor_and_day() {
    let (_dir, store) = store();
    store.book(visit("a", 1, "2026-12-01")).await.unwrap();
    store.book(visit("b", 2, "2026-12-01")).await.unwrap();
    store.book(visit("c", 2, "2026-12-02")).await.unwrap();
    let (per_doctor, per_day) = store.report(1).await.unwrap();
    assert_eq!(
        per_doctor,
        vec![
            Count {
                key: "Лечащева Мария Петровна".into(),
                visits: 1
            },
            Count {
                key: "Сердцев Олег Иванович".into(),
                visits: 2
            },
        ]
    );
    assert_eq!(per_day.len(), 2);
    assert_eq!(
        store
            .schedule_of(1, "Сердцев Олег Иванович")
            .await
            .unwrap()
            .len(),
        2
    );
}
