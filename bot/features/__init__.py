"""One package per feature. A feature owns its tables: the only SQL touching them is in
its repository module, which returns dataclasses and enums. Features use core and storage,
never `commands` (the wording) nor the Matrix adapter."""
