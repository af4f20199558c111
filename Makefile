# Thin wrapper over Meson for the commands the README promises.
#   make          build into build/ (binary: build/xenbench)
#   make run      install dependencies, build, analyse the example Xen trace
#   make check    install dependencies, build, run every test suite
#   make bench    analyser throughput against xenalyze (bench/analyse)
#   make install  PREFIX=/usr/local DESTDIR=
PREFIX ?= /usr/local
DESTDIR ?=
BUILD := build
EXAMPLE := examples/credit2-2pcpu-3guests

.PHONY: all deps run check bench install clean

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD) --prefix=$(PREFIX)

deps:
	./scripts/deps.sh

run: deps all
	$(BUILD)/xenbench report $(EXAMPLE) --vcpu

check: deps all
	./scripts/check.sh

bench: deps all
	./bench/analyse

install: all
	meson configure $(BUILD) --prefix=$(PREFIX)
	meson install -C $(BUILD) $(if $(DESTDIR),--destdir $(DESTDIR))

clean:
	rm -rf $(BUILD) build-asan build-fuzz
