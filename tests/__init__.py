"""The test suite is a package, so `tests.*` imports find it before any installed top-level `tests` (smdebug_rulesconfig, a sagemaker-core dependency, ships one)."""
