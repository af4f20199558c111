# Thin wrapper over Meson for the commands the README promises.
#   make          build into build/ (binary: build/xenbench)
#   make run      install dependencies, build, run `xenbench demo` (known loads
#                 in cgroups, recorded 10 s, reported; needs root)
#   make check    install dependencies, build, run every test suite
#   make bench    the analyser against xenalyze and a header walk (bench/analyse),
#                 on Linux runs (bench/analyse-linux), and the recorder's own
#                 cost against perf sched record -a (bench/record-overhead) and
#                 what record --aggregate writes an hour (bench/record-aggregate)
#   make check-xen  live recording on Xen 4.17 booted under QEMU (tests/xen-host)
#   make deb      the Debian package in build/deb/ (scripts/deb.sh; lintian)
#   make install  PREFIX=/usr/local DESTDIR=
PREFIX ?= /usr/local
DESTDIR ?=
BUILD := build

.PHONY: all deps run check check-xen bench deb install clean

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
	./scripts/deps.sh --bench
	./bench/analyse
	./bench/analyse-linux
	./bench/record-overhead
	./bench/record-aggregate

deb:
	./scripts/deb.sh

install: all
	meson configure $(BUILD) --prefix=$(PREFIX)
	meson install -C $(BUILD) $(if $(DESTDIR),--destdir $(DESTDIR))

clean:
	rm -rf $(BUILD) build-asan build-fuzz
