//go:build !linux

package main

import "time"

// pacer falls back to time.Sleep off Linux (coarser: see pacer_linux.go).
type pacer struct{}

func newPacer() (*pacer, error)         { return &pacer{}, nil }
func (p *pacer) sleepUntil(t time.Time) { time.Sleep(time.Until(t)) }
func (p *pacer) close()                 {}
