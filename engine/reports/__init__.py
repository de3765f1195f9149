"""Every output people read, one module per format, all fed the same `Assessment`.

No module here recomputes a score: each one lays out what `engine.assess` concluded.

    terminal      the Vietnamese terminal report (`cchc assess`)
    json_result   the JSON document (`cchc assess --format json`)
"""
