//! Every path of the cabinet, shared by the route table, the templates'
//! links and the tests.

pub const HOME: &str = "/";
pub const LOGIN: &str = "/login";
pub const CALLBACK: &str = "/callback";
pub const LOGOUT: &str = "/logout";
pub const BACKCHANNEL_LOGOUT: &str = "/backchannel-logout";
pub const HEALTH: &str = "/health";
pub const REFERENCE: &str = "/health/reference";
pub const APPOINTMENTS: &str = "/health/appointments";
pub const RECORDS: &str = "/health/records";
pub const STAFF: &str = "/staff";
pub const STAFF_EMPLOYEES: &str = "/staff/employees";
pub const STAFF_REPORTS: &str = "/staff/reports";
pub const STAFF_SCHEDULE: &str = "/staff/schedule";
pub const MEDICAL_WORKER: &str = "/medical-worker";
