# The two commands of the README:
#   make atlas   builds the environment (if needed) and runs the main job on the shipped data
#   make test    runs the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.divide-installed

.PHONY: atlas test install build datasets notebooks docs bench readme-images lab clean-outputs

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

shapefiles/admin_2025.gpkg: $(STAMP) shapefiles/source/communes_2025.gpkg data/population/vnm_ppp_2020_1km_Aggregated_UNadj.tif
	$(BIN)/python -m divide.build

build: install
	$(BIN)/python -m divide.build

atlas: shapefiles/admin_2025.gpkg
	$(BIN)/divide atlas

test: shapefiles/admin_2025.gpkg
	$(BIN)/python -m pytest

# The small dataset inside the package (divide/datasets/), copied from what the build and the
# test-file script write; tests/test_build.py checks the copy against a fresh subset build.
datasets: install
	$(BIN)/python -m divide.build --subset --out build/subset
	cp build/subset/admin_2025.gpkg divide/datasets/communes_hanoi_laichau.gpkg
	cp tests/data/indicators/subset_utf8.csv divide/datasets/indicators_hanoi_laichau.csv
	cp tests/data/indicators/broken_range.csv tests/data/indicators/villages_laichau.csv \
	   tests/data/indicators/laichau_numeric_codes.xlsx divide/datasets/

# JupyterLab on the notebooks, in the project's environment.
lab: shapefiles/admin_2025.gpkg
	$(BIN)/jupyter lab --notebook-dir=notebooks

# Executes every notebook into a copy and renders HTML with outputs to notebooks/html/.
notebooks: shapefiles/admin_2025.gpkg
	$(BIN)/python notebooks/render.py

# The documentation site (mkdocs.yml), built offline; a warning fails the build.
docs: shapefiles/admin_2025.gpkg
	$(BIN)/mkdocs build --strict --site-dir build/site

# Benchmarks (not part of the test suite): tables in bench/results/ and the README.
bench: shapefiles/admin_2025.gpkg
	for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done

# The two maps the README shows, made by the main job itself.
readme-images: shapefiles/admin_2025.gpkg
	$(BIN)/divide -q atlas --out outputs/readme_national
	$(BIN)/divide -q atlas --province "Lai Châu" --out outputs/readme_lai_chau
	mkdir -p docs/images
	cp outputs/readme_national/priority_map.png docs/images/priority_map_national.png
	cp outputs/readme_lai_chau/priority_map.png docs/images/priority_map_lai_chau.png

clean-outputs:
	rm -rf outputs
