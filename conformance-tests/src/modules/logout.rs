use super::Module;

pub fn modules() -> Vec<Module> {
    Vec::new()
}
