-- Start-up baseline: the other scripts' net times subtract this one's.
print("ok")
