module example.com/cowmap

go 1.19

require mapstress.local/mapstress v0.0.0

replace mapstress.local/mapstress => ../../mapstress
