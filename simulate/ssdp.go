package simulate

// ssdpNotify builds an SSDP NOTIFY ssdp:alive for the root device.
func ssdpNotify(b []byte, server, location, uuid string) []byte {
	b = append(b, "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\nLOCATION: "...)
	b = append(b, location...)
	b = append(b, "\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\nSERVER: "...)
	b = append(b, server...)
	b = append(b, "\r\nUSN: uuid:"...)
	b = append(b, uuid...)
	return append(b, "::upnp:rootdevice\r\n\r\n"...)
}

// ssdpSearch builds an M-SEARCH as Windows sends it.
func ssdpSearch(b []byte, userAgent string) []byte {
	b = append(b, "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: urn:dial-multiscreen-org:service:dial:1\r\nUSER-AGENT: "...)
	b = append(b, userAgent...)
	return append(b, "\r\n\r\n"...)
}
