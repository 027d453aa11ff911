// Keeps a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // GTK panics with a backtrace when there is no display to open a window on (an SSH session,
    // a container, a service): say so in one sentence instead.
    #[cfg(all(unix, not(target_os = "macos")))]
    if std::env::var_os("DISPLAY").is_none_or(|d| d.is_empty())
        && std::env::var_os("WAYLAND_DISPLAY").is_none_or(|d| d.is_empty())
    {
        eprintln!(
            "Sluice needs a graphical desktop to open its window, and this session has none \
             (neither DISPLAY nor WAYLAND_DISPLAY is set); the `sluice` command works without one."
        );
        std::process::exit(1);
    }
    sluice_app::run();
}
