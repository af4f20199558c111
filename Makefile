# Thin wrapper over Meson for the commands the README promises.
#   make          build into build/ (binary: build/xenbench)
#   make run      install dependencies, build, run `xenbench demo` (known loads
#                 in cgroups, recorded 10 s, reported; needs root)
#   make check    install dependencies, build, run every test suite
#   make bench    analyser throughput against xenalyze (bench/analyse)
#   make check-xen  live recording on Xen 4.17 booted under QEMU (tests/xen-host)
#   make install  PREFIX=/usr/local DESTDIR=
PREFIX ?= /usr/local
DESTDIR ?=
BUILD := build

.PHONY: all deps run check check-xen bench install clean

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD) --prefix=$(PREFIX)

deps:
	./scripts/deps.sh

run: deps all
	rm -rf $(BUILD)/demo-run
	$(BUILD)/xenbench demo -o $(BUILD)/demo-run

check: deps all
	./scripts/check.sh

check-xen: deps all
	./tests/xen-host/run.sh $(BUILD)/xenbench

bench: deps all
	./bench/analyse

install: all
	meson configure $(BUILD) --prefix=$(PREFIX)
	meson install -C $(BUILD) $(if $(DESTDIR),--destdir $(DESTDIR))

clean:
	rm -rf $(BUILD) build-asan build-fuzz
