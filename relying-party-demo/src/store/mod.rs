//! The cabinet's own SQLite database through diesel: reference data,
//! appointments, medical records and the demo's copy of ФРМР. Migrations
//! are embedded and run on open; every query runs off the async executor.

mod schema;

use std::path::Path;

use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use serde::Serialize;

use crate::frmr;
use schema::{appointments, clinic_days, clinics, doctors, frmr as register, records};

const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("database connection: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("migrations: {0}")]
    Migration(String),
    #[error("cannot open {0}: {1}")]
    Open(String, String),
    /// The slot is taken by a live appointment.
    #[error("the slot is taken")]
    SlotTaken,
    #[error("the worker thread failed: {0}")]
    Join(String),
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = clinics)]
pub struct Clinic {
    pub id: i32,
    pub name: String,
    pub address: String,
    pub phone: String,
    pub hours: String,
    /// The clinic's organization at the provider.
    pub ogrn: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = doctors)]
pub struct Doctor {
    pub id: i32,
    pub clinic_id: i32,
    pub full_name: String,
    pub specialty: String,
    pub room: String,
    pub hours: String,
    /// The weekdays of the doctor's shift (`1,3,5`).
    pub weekdays: String,
    pub starts: i32,
    pub ends: i32,
}

impl Doctor {
    pub fn shift(&self) -> crate::schedule::Shift {
        crate::schedule::Shift::parse(&self.weekdays, self.starts, self.ends)
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = appointments)]
pub struct Appointment {
    pub id: i32,
    pub patient_sub: String,
    pub patient_name: String,
    pub doctor_id: i32,
    pub day: String,
    pub time: String,
    pub created_at: i64,
    pub cancelled_at: Option<i64>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = appointments)]
pub struct NewAppointment {
    pub patient_sub: String,
    pub patient_name: String,
    pub doctor_id: i32,
    pub day: String,
    pub time: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = records)]
pub struct Record {
    pub id: i32,
    pub snils: String,
    pub day: String,
    pub kind: String,
    pub title: String,
    pub body: String,
}

/// A row of a report: a name (doctor or day) and its number of visits.
#[derive(Debug, Clone, PartialEq)]
pub struct Count {
    pub key: String,
    pub visits: i64,
}

/// Each pooled connection waits for a lock (up to 5 s) before anything
/// else, so connections opened together never fail with «database is
/// locked»; WAL is set once, on the connection that migrates.
#[derive(Debug)]
struct Pragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for Pragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        use diesel::connection::SimpleConnection;
        conn.batch_execute("PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;")
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Logs the pool's connection errors and counts them.
#[derive(Debug, Default, Clone)]
struct Errors(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl diesel::r2d2::HandleError<diesel::r2d2::Error> for Errors {
    fn handle_error(&self, error: diesel::r2d2::Error) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        tracing::error!(%error, "a database connection failed");
    }
}

type Conn = diesel::r2d2::PooledConnection<ConnectionManager<SqliteConnection>>;

#[derive(Clone)]
pub struct Store {
    pool: Pool<ConnectionManager<SqliteConnection>>,
    errors: Errors,
}

impl Store {
    /// Opens (creating it and its folder if needed) and migrates the file.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let open_err =
            |e: &dyn std::fmt::Display| StoreError::Open(path.display().to_string(), e.to_string());
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| open_err(&e))?;
        }
        // One connection first: WAL (a lasting setting of the file) and
        // the migrations, before the pool opens the others.
        {
            use diesel::connection::SimpleConnection;
            let mut first =
                SqliteConnection::establish(&path.to_string_lossy()).map_err(|e| open_err(&e))?;
            first
                .batch_execute("PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;")
                .map_err(|e| open_err(&e))?;
            first
                .run_pending_migrations(MIGRATIONS)
                .map_err(|e| StoreError::Migration(e.to_string()))?;
        }
        let errors = Errors::default();
        let manager = ConnectionManager::<SqliteConnection>::new(path.to_string_lossy());
        let pool = Pool::builder()
            .max_size(4)
            .connection_customizer(Box::new(Pragmas))
            .error_handler(Box::new(errors.clone()))
            .build(manager)
            .map_err(|e| open_err(&e))?;
        Ok(Self { pool, errors })
    }

    /// How many times a connection failed to open (each is logged).
    pub fn connection_errors(&self) -> usize {
        self.errors.0.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Runs `f` on a pooled connection on the blocking pool.
    async fn run<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Conn) -> Result<T, StoreError> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || f(&mut pool.get()?))
            .await
            .map_err(|e| StoreError::Join(e.to_string()))?
    }

    pub async fn clinics(&self) -> Result<Vec<(Clinic, Vec<Doctor>)>, StoreError> {
        self.run(|c| {
            let all: Vec<Clinic> = clinics::table
                .order(clinics::id)
                .select(Clinic::as_select())
                .load(c)?;
            let staff: Vec<Doctor> = doctors::table
                .order(doctors::id)
                .select(Doctor::as_select())
                .load(c)?;
            Ok(all
                .into_iter()
                .map(|clinic| {
                    let own = staff
                        .iter()
                        .filter(|d| d.clinic_id == clinic.id)
                        .cloned()
                        .collect();
                    (clinic, own)
                })
                .collect())
        })
        .await
    }

    /// The OGRNs of the clinics served (read once, at start).
    pub fn clinic_ogrns(&self) -> Result<Vec<String>, StoreError> {
        let mut c = self.pool.get()?;
        Ok(clinics::table
            .filter(clinics::ogrn.is_not_null())
            .select(clinics::ogrn.assume_not_null())
            .load(&mut c)?)
    }

    /// The clinic of an organization, with its doctors.
    pub async fn clinic_of(&self, ogrn: &str) -> Result<Option<(Clinic, Vec<Doctor>)>, StoreError> {
        let ogrn = ogrn.to_owned();
        Ok(self
            .clinics()
            .await?
            .into_iter()
            .find(|(clinic, _)| clinic.ogrn.as_deref() == Some(ogrn.as_str())))
    }

    /// The days and hours a clinic is open.
    pub async fn clinic_days(
        &self,
        clinic: i32,
    ) -> Result<Vec<crate::schedule::OpenDay>, StoreError> {
        self.run(move |c| {
            let rows: Vec<(i32, i32, i32)> = clinic_days::table
                .filter(clinic_days::clinic_id.eq(clinic))
                .order(clinic_days::weekday)
                .select((
                    clinic_days::weekday,
                    clinic_days::opens,
                    clinic_days::closes,
                ))
                .load(c)?;
            let hour = |h: i32| u32::try_from(h).unwrap_or(0);
            Ok(rows
                .into_iter()
                .map(|(weekday, opens, closes)| crate::schedule::OpenDay {
                    weekday: hour(weekday),
                    opens: hour(opens),
                    closes: hour(closes),
                })
                .collect())
        })
        .await
    }

    pub async fn doctors(&self) -> Result<Vec<Doctor>, StoreError> {
        self.run(|c| {
            Ok(doctors::table
                .order(doctors::id)
                .select(Doctor::as_select())
                .load(c)?)
        })
        .await
    }

    /// A patient's live appointments, with their doctors.
    pub async fn appointments_of(
        &self,
        sub: &str,
    ) -> Result<Vec<(Appointment, Doctor)>, StoreError> {
        let sub = sub.to_owned();
        self.run(move |c| {
            Ok(appointments::table
                .inner_join(doctors::table)
                .filter(appointments::patient_sub.eq(sub))
                .filter(appointments::cancelled_at.is_null())
                .order((appointments::day, appointments::time))
                .select((Appointment::as_select(), Doctor::as_select()))
                .load(c)?)
        })
        .await
    }

    /// A doctor's live appointments at a clinic, found by the doctor's
    /// full name.
    pub async fn schedule_of(
        &self,
        clinic: i32,
        full_name: &str,
    ) -> Result<Vec<Appointment>, StoreError> {
        let name = full_name.to_owned();
        self.run(move |c| {
            Ok(appointments::table
                .inner_join(doctors::table)
                .filter(doctors::clinic_id.eq(clinic))
                .filter(doctors::full_name.eq(name))
                .filter(appointments::cancelled_at.is_null())
                .order((appointments::day, appointments::time))
                .select(Appointment::as_select())
                .load(c)?)
        })
        .await
    }

    pub async fn book(&self, new: NewAppointment) -> Result<(), StoreError> {
        self.run(move |c| {
            match diesel::insert_into(appointments::table)
                .values(&new)
                .execute(c)
            {
                Ok(_) => Ok(()),
                Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                )) => Err(StoreError::SlotTaken),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }

    /// Cancels an appointment of this patient; false if there is none.
    pub async fn cancel(&self, sub: &str, id: i32, now: i64) -> Result<bool, StoreError> {
        let sub = sub.to_owned();
        self.run(move |c| {
            let changed = diesel::update(
                appointments::table
                    .filter(appointments::id.eq(id))
                    .filter(appointments::patient_sub.eq(sub))
                    .filter(appointments::cancelled_at.is_null()),
            )
            .set(appointments::cancelled_at.eq(now))
            .execute(c)?;
            Ok(changed == 1)
        })
        .await
    }

    pub async fn records_of(&self, snils: &str) -> Result<Vec<Record>, StoreError> {
        let snils = snils.to_owned();
        self.run(move |c| {
            Ok(records::table
                .filter(records::snils.eq(snils))
                .order(records::day.desc())
                .select(Record::as_select())
                .load(c)?)
        })
        .await
    }

    /// A clinic's live visits per doctor and per day, for the manager's
    /// report.
    pub async fn report(&self, clinic: i32) -> Result<(Vec<Count>, Vec<Count>), StoreError> {
        use diesel::dsl::count_star;
        self.run(move |c| {
            let count = |(key, visits)| Count { key, visits };
            let per_doctor = appointments::table
                .inner_join(doctors::table)
                .filter(doctors::clinic_id.eq(clinic))
                .filter(appointments::cancelled_at.is_null())
                .group_by(doctors::full_name)
                .select((doctors::full_name, count_star()))
                .order(doctors::full_name)
                .load::<(String, i64)>(c)?
                .into_iter()
                .map(count)
                .collect();
            let per_day = appointments::table
                .inner_join(doctors::table)
                .filter(doctors::clinic_id.eq(clinic))
                .filter(appointments::cancelled_at.is_null())
                .group_by(appointments::day)
                .select((appointments::day, count_star()))
                .order(appointments::day)
                .load::<(String, i64)>(c)?
                .into_iter()
                .map(count)
                .collect();
            Ok((per_doctor, per_day))
        })
        .await
    }

    /// The register's entry for a SNILS.
    pub async fn frmr_entry(&self, snils: &str) -> Result<Option<frmr::Entry>, StoreError> {
        type Row = (
            String,
            String,
            String,
            Option<String>,
            String,
            String,
            String,
            String,
        );
        let snils = snils.to_owned();
        self.run(move |c| {
            let row: Option<Row> = register::table.find(snils).first::<Row>(c).optional()?;
            Ok(row.map(
                |(
                    snils,
                    family_name,
                    given_name,
                    middle_name,
                    birthdate,
                    specialty,
                    position,
                    organization,
                )| {
                    frmr::Entry {
                        snils,
                        family_name,
                        given_name,
                        middle_name,
                        birthdate,
                        specialty,
                        position,
                        organization,
                    }
                },
            ))
        })
        .await
    }
}

#[cfg(test)]
mod tests;
