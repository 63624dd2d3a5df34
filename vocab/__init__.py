"""The shared vocabulary every layer may use: records, fetch types, dates, identifiers, settings, errors."""
