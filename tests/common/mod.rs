//! Helpers shared by the end-to-end tests.

use std::path::Path;

/// Copies a folder tree (files only).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// Copies a folder tree (files only), keeping each file's modification time: a copy of an
/// output folder that a re-run should take for the original.
#[allow(dead_code)]
pub fn copy_tree_with_times(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree_with_times(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
            let time = std::fs::metadata(&path).unwrap().modified().unwrap();
            std::fs::File::options().write(true).open(&target).unwrap().set_modified(time).unwrap();
        }
    }
}
