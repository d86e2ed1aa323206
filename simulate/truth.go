package simulate

import (
	"slices"
	"strconv"

	"github.com/cordonsec/cordon"
)

// Synthetic patients. Surnames start with ZZTEST and NHS numbers lie in
// the 999 range the NHS reserves for testing; check digits are valid so
// that parsers that validate them still see well-formed numbers.

var phonetic = []string{"ALPHA", "BRAVO", "CHARLIE", "DELTA", "ECHO", "FOXTROT", "GOLF", "HOTEL",
	"INDIA", "JULIET", "KILO", "LIMA", "MIKE", "NOVEMBER", "OSCAR", "PAPA", "QUEBEC", "ROMEO",
	"SIERRA", "TANGO", "UNIFORM", "VICTOR", "WHISKEY", "XRAY", "YANKEE", "ZULU"}

// nhsCheckDigit returns the modulus 11 check digit of nine digits, or -1
// when the number is invalid (remainder 10).
func nhsCheckDigit(d9 string) int {
	sum := 0
	for i := range 9 {
		sum += int(d9[i]-'0') * (10 - i)
	}
	c := 11 - sum%11
	switch c {
	case 11:
		return 0
	case 10:
		return -1
	}
	return c
}

func makePatients(g *gen, n int) []patient {
	ps := make([]patient, 0, n)
	seen := map[string]bool{}
	for len(ps) < n {
		i := len(ps)
		surname := "ZZTEST"
		if i >= len(phonetic) {
			surname += string(rune('A' + i/len(phonetic) - 1))
		}
		var nhs string
		for {
			d9 := "999" + strconv.Itoa(100000+g.rng.IntN(900000))
			c := nhsCheckDigit(d9)
			if c >= 0 && !seen[d9] {
				seen[d9] = true
				nhs = d9 + strconv.Itoa(c)
				break
			}
		}
		sex := "F"
		if g.rng.IntN(2) == 0 {
			sex = "M"
		}
		ps = append(ps, patient{
			name: surname + "^" + phonetic[i%len(phonetic)],
			nhs:  nhs,
			mrn:  "RXH" + strconv.Itoa(1000000+g.rng.IntN(9000000)),
			dob:  strconv.Itoa(1935+g.rng.IntN(85)) + "0" + strconv.Itoa(1+g.rng.IntN(9)) + strconv.Itoa(10+g.rng.IntN(18)),
			sex:  sex,
		})
	}
	return ps
}

// vmwareOUI is VMware's MA-L prefix for virtual machine NICs.
const vmwareOUI = "005056"

// truth assembles the ground truth after the capture is written, from
// what each device actually emitted.
func (g *gen) truth() *Truth {
	t := &Truth{
		Seed:     g.cfg.Seed,
		Start:    g.cfg.Start,
		Duration: g.cfg.Duration.String(),
		Packets:  g.packets,
	}
	for _, d := range g.devices {
		f := d.fam
		td := TruthDevice{
			IPs:             slices.Clone(d.ips),
			Hostnames:       []string{},
			Routed:          d.routed,
			Category:        f.category,
			Manufacturer:    f.maker,
			Model:           f.model,
			Modality:        f.modality,
			Medical:         cordon.IsMedicalCategory(f.category),
			AETitles:        slices.Clone(d.aes),
			HL7Applications: slices.Clone(d.hl7Apps),
			Site:            d.site.name,
			Ward:            d.ward,
			Zone:            d.zone.id,
			Family:          f.profile,
			CatalogID:       f.id,
		}
		if !d.routed {
			td.MAC = cordon.MAC(d.h.mac).String()
		}
		switch {
		case td.Manufacturer == "" && !d.routed && slices.Contains(f.ouis, vmwareOUI):
			// A virtual machine's hardware maker is VMware, as its
			// firmware and its asset record say.
			td.Manufacturer = "VMware"
		case d.routed && f.makerByNIC:
			// Behind a router the NIC's prefix, the only evidence of
			// who made a PC, is not in the capture.
			td.Manufacturer = ""
		}
		if td.IPs == nil {
			td.IPs = []string{}
		}
		if td.AETitles == nil {
			td.AETitles = []string{}
		}
		if td.HL7Applications == nil {
			td.HL7Applications = []string{}
		}
		if d.shownHost && d.hostname != "" {
			td.Hostnames = append(td.Hostnames, d.hostname)
		}
		if d.shownOS {
			o := f.st.os
			if f.os != nil {
				o = *f.os
			}
			td.OS = cordon.OS{Name: o.Name, Version: o.Version}
		}
		t.Devices = append(t.Devices, td)
	}
	for _, s := range g.subnets {
		t.Subnets = append(t.Subnets, TruthSubnet{Site: s.site.name, Zone: s.zone.id, CIDR: s.cidr(), VLAN: int(s.vlan)})
	}
	for _, p := range g.patients {
		t.PatientStrings = append(t.PatientStrings, p.name, p.nhs, p.mrn)
	}
	return t
}
