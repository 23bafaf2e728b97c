#!/bin/sh
# The walkthrough of README.md: the NeurIPS 2024 tutorial day as published (published/schedule.json, which
# `confsched solve` made), then a speaker drops out of the morning. Run from the repository root; everything is
# written under out/neurips_whatif/ (the published schedule is only read).
set -e
confsched solve data/neurips2024_tutorials.yaml --out out/neurips_whatif
confsched whatif data/neurips2024_tutorials.yaml --baseline examples/neurips_speaker_drops_out/published/schedule.json \
    --change examples/neurips_speaker_drops_out/changes.yaml --out out/neurips_whatif
confsched diff examples/neurips_speaker_drops_out/published/schedule.json out/neurips_whatif/schedule.v2.json \
    --data data/neurips2024_tutorials.yaml
