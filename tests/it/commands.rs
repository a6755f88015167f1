//! Every command of the foundation through the real binary: records, errors, credit rules.

use crate::common::School;

#[test]
fn init_creates_a_private_database() {
    let s = School::empty();
    s.run(&["init"]).ok();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(s.db()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    s.run(&["init"]).ok();
}
