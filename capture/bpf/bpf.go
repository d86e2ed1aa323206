// Package bpf compiles capture filter expressions (the tcpdump syntax most
// people know: host, net, port, portrange, src/dst, tcp/udp/icmp/arp/ip/ip6,
// vlan, and/or/not, parentheses) to classic BPF programs for Ethernet links,
// the form Linux attaches to a packet socket with SO_ATTACH_FILTER. It also
// reads the decimal program `tcpdump -ddd` prints, for filters beyond what
// the compiler knows, and runs programs in a small interpreter so that tests
// can check verdicts without a kernel.
//
// A filter runs in the kernel before a packet reaches the capture ring:
// it is how a sensor on a busy span port keeps to the traffic it needs.
package bpf

import (
	"fmt"
	"strconv"
	"strings"
)

// Instruction is one classic BPF instruction, laid out as struct sock_filter.
type Instruction struct {
	Op     uint16
	Jt, Jf uint8
	K      uint32
}

// Instruction classes, sizes, modes and operations (linux/bpf_common.h).
const (
	classLD   = 0x00
	classLDX  = 0x01
	classST   = 0x02
	classSTX  = 0x03
	classALU  = 0x04
	classJMP  = 0x05
	classRET  = 0x06
	classMISC = 0x07

	sizeW = 0x00
	sizeH = 0x08
	sizeB = 0x10

	modeIMM = 0x00
	modeABS = 0x20
	modeIND = 0x40
	modeMEM = 0x60
	modeLEN = 0x80
	modeMSH = 0xa0

	aluADD = 0x00
	aluSUB = 0x10
	aluMUL = 0x20
	aluDIV = 0x30
	aluOR  = 0x40
	aluAND = 0x50
	aluLSH = 0x60
	aluRSH = 0x70
	aluNEG = 0x80
	aluMOD = 0x90
	aluXOR = 0xa0

	jmpJA   = 0x00
	jmpJEQ  = 0x10
	jmpJGT  = 0x20
	jmpJGE  = 0x30
	jmpJSET = 0x40

	srcK = 0x00
	srcX = 0x08

	retA = 0x10
	retX = 0x08

	miscTAX = 0x00
	miscTXA = 0x80
)

// MaxInstructions is the kernel's limit on a classic program (BPF_MAXINSNS).
const MaxInstructions = 4096

// memWords is the size of the scratch memory (BPF_MEMWORDS).
const memWords = 16

// Parse returns the program for a filter given as either an expression
// ("tcp port 104 and net 10.20.0.0/16") or the decimal output of
// `tcpdump -ddd` (lines, or the same numbers separated by commas). An empty
// filter returns nil: accept everything.
func Parse(filter string, snapLen uint32) ([]Instruction, error) {
	if strings.TrimSpace(filter) == "" {
		return nil, nil
	}
	if looksRaw(filter) {
		return ParseRaw(filter)
	}
	return Compile(filter, snapLen)
}

// looksRaw reports whether text begins with an instruction count followed
// by a line break or comma, as `tcpdump -ddd` output does. No expression
// begins that way.
func looksRaw(text string) bool {
	t := strings.TrimSpace(text)
	i := strings.IndexAny(t, "\n,")
	if i <= 0 {
		return false
	}
	_, err := strconv.ParseUint(strings.TrimSpace(t[:i]), 10, 16)
	return err == nil
}

// ParseRaw reads a program in the `tcpdump -ddd` format: the instruction
// count, then one instruction per line as four decimal numbers "op jt jf k".
// Commas may stand for the line breaks (the form iptables' bpf match takes).
func ParseRaw(text string) ([]Instruction, error) {
	fields := strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == ',' || r == '\r' })
	var lines []string
	for _, f := range fields {
		if s := strings.TrimSpace(f); s != "" {
			lines = append(lines, s)
		}
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("bpf: the raw program is empty")
	}
	n, err := strconv.Atoi(lines[0])
	if err != nil || n < 1 || n > MaxInstructions {
		return nil, fmt.Errorf("bpf: raw program: line 1: %q is not an instruction count from 1 to %d", lines[0], MaxInstructions)
	}
	if len(lines)-1 != n {
		return nil, fmt.Errorf("bpf: raw program: the count says %d instructions but %d follow", n, len(lines)-1)
	}
	prog := make([]Instruction, n)
	for i, l := range lines[1:] {
		nums := strings.Fields(l)
		if len(nums) != 4 {
			return nil, fmt.Errorf("bpf: raw program: instruction %d: %q is not four numbers \"op jt jf k\"", i+1, l)
		}
		var v [4]uint64
		for j, limit := range []int{16, 8, 8, 32} {
			x, err := strconv.ParseUint(nums[j], 10, limit)
			if err != nil {
				return nil, fmt.Errorf("bpf: raw program: instruction %d: %q is not a %d-bit unsigned number", i+1, nums[j], limit)
			}
			v[j] = x
		}
		prog[i] = Instruction{Op: uint16(v[0]), Jt: uint8(v[1]), Jf: uint8(v[2]), K: uint32(v[3])}
	}
	if err := Validate(prog); err != nil {
		return nil, err
	}
	return prog, nil
}

// FormatRaw writes prog in the `tcpdump -ddd` format that ParseRaw reads.
func FormatRaw(prog []Instruction) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d\n", len(prog))
	for _, in := range prog {
		fmt.Fprintf(&b, "%d %d %d %d\n", in.Op, in.Jt, in.Jf, in.K)
	}
	return b.String()
}

// Validate checks what the kernel's checker checks, so that a bad program
// is refused with a message naming the instruction rather than EINVAL:
// known opcodes, jumps inside the program, scratch memory in range, no
// constant division by zero, and a return at the end.
func Validate(prog []Instruction) error {
	if len(prog) == 0 || len(prog) > MaxInstructions {
		return fmt.Errorf("bpf: a program has 1 to %d instructions, not %d", MaxInstructions, len(prog))
	}
	for pc, in := range prog {
		bad := func(why string) error {
			return fmt.Errorf("bpf: instruction %d (op %d): %s", pc+1, in.Op, why)
		}
		switch in.Op & 0x07 {
		case classLD:
			switch in.Op {
			case classLD | sizeW | modeABS, classLD | sizeH | modeABS, classLD | sizeB | modeABS,
				classLD | sizeW | modeIND, classLD | sizeH | modeIND, classLD | sizeB | modeIND,
				classLD | modeIMM, classLD | sizeW | modeLEN:
			case classLD | modeMEM:
				if in.K >= memWords {
					return bad("scratch memory index out of range")
				}
			default:
				return bad("unknown load")
			}
		case classLDX:
			switch in.Op {
			case classLDX | modeIMM, classLDX | sizeW | modeLEN, classLDX | sizeB | modeMSH:
			case classLDX | modeMEM:
				if in.K >= memWords {
					return bad("scratch memory index out of range")
				}
			default:
				return bad("unknown load")
			}
		case classST, classSTX:
			if in.Op&^0x07 != 0 {
				return bad("unknown store")
			}
			if in.K >= memWords {
				return bad("scratch memory index out of range")
			}
		case classALU:
			op := in.Op & 0xf0
			if op > aluXOR || in.Op&^0xf8 != classALU {
				return bad("unknown arithmetic operation")
			}
			if (op == aluDIV || op == aluMOD) && in.Op&srcX == 0 && in.K == 0 {
				return bad("division by zero")
			}
		case classJMP:
			op := in.Op & 0xf0
			if op > jmpJSET || in.Op&^0xf8 != classJMP {
				return bad("unknown jump")
			}
			if op == jmpJA {
				if uint64(pc)+1+uint64(in.K) >= uint64(len(prog)) {
					return bad("jump past the end of the program")
				}
			} else if pc+1+int(max(in.Jt, in.Jf)) >= len(prog) {
				return bad("jump past the end of the program")
			}
		case classRET:
			switch in.Op {
			case classRET | srcK, classRET | retA, classRET | retX:
			default:
				return bad("unknown return")
			}
		case classMISC:
			if in.Op != classMISC|miscTAX && in.Op != classMISC|miscTXA {
				return bad("unknown register transfer")
			}
		}
	}
	if last := prog[len(prog)-1]; last.Op&0x07 != classRET {
		return fmt.Errorf("bpf: the last instruction must be a return")
	}
	return nil
}
