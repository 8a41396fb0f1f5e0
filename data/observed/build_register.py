"""Rebuild data/observed/reported_villages.csv (and data/indicators/dti_2024_provinces_2025.csv).

Run from the repository: ``python data/observed/build_register.py``. The same as
``python -m divide.indicators.observed``: it checks the gathered notes in
``data/observed/gathered/`` and writes the register; two runs write identical bytes.
"""

from divide.indicators.observed import main

if __name__ == "__main__":
    main()
