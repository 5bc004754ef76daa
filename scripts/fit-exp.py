import mpmath as mp
mp.mp.dps=50
a=mp.log(2)/2*mp.mpf('1.0005')
deg=int(__import__('sys').argv[1])
N=300
xs=[a*mp.cos(mp.pi*(i+mp.mpf(1)/2)/N) for i in range(N)]
w=[mp.mpf(1)]*N
for it in range(25):
    # weighted LS for relative error of 1 + sum c_k x^k
    A=mp.matrix(N,deg); b=mp.matrix(N,1)
    for i,x in enumerate(xs):
        sw=mp.sqrt(w[i]); ex=mp.exp(x)
        for k in range(deg): A[i,k]=sw*x**(k+1)/ex
        b[i]=sw*(ex-1)/ex
    c=mp.lu_solve(A.T*A, A.T*b)
    errs=[abs((1+sum(c[k]*x**(k+1) for k in range(deg)))/mp.exp(x)-1) for x in xs]
    w=[w[i]*errs[i] for i in range(N)]; s=sum(w); w=[v/s for v in w]
cs=[float(c[k]) for k in range(deg)]
m=max(abs((1+sum(mp.mpf(cs[k])*x**(k+1) for k in range(deg)))/mp.exp(x)-1) for x in [a*mp.mpf(i)/500 for i in range(-500,501)])
print(deg, mp.nstr(m,5), mp.nstr(mp.log(m,2),5)); print(cs)
