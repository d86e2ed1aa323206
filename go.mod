module github.com/cordonsec/cordon

go 1.26.8
